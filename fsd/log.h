/* log.h - esxfsd's diagnostic log: levels, one stream (stderr or a file).
 * Owns struct fsd_log. Access-log events are NOT written here. */
#ifndef ESXMOCK_FSD_LOG_H
#define ESXMOCK_FSD_LOG_H

#include <stdio.h>

enum log_level {
	LOG_LV_ERROR = 0,
	LOG_LV_WARN,
	LOG_LV_INFO,
	LOG_LV_DEBUG,
};

struct fsd_log {
	enum log_level level; /* messages above this level are dropped */
	FILE *out;            /* borrowed; stderr by default */
	const char *prog;     /* prefix: "esxfsd" */
};

void log_init(struct fsd_log *lg, const char *prog);

/* Writes "PROG: [LEVEL: ]MESSAGE\n" when lv <= lg->level. */
void log_msg(const struct fsd_log *lg, enum log_level lv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Checks the level before formatting anything; prefixes the function name. */
#define LOG_DEBUG(lg, fmt, ...)                                                \
	do {                                                                   \
		if ((lg)->level >= LOG_LV_DEBUG)                               \
			log_msg((lg), LOG_LV_DEBUG, "%s: " fmt, __func__,      \
				##__VA_ARGS__);                                \
	} while (0)

#endif
