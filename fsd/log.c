/* log.c - esxfsd's diagnostic log (see log.h).
 * Owns formatting of diagnostic lines; nothing else. */
#include "log.h"

#include <stdarg.h>

void log_init(struct fsd_log *lg, const char *prog)
{
	lg->level = LOG_LV_INFO;
	lg->out = stderr;
	lg->prog = prog;
}

void log_msg(const struct fsd_log *lg, enum log_level lv, const char *fmt, ...)
{
	static const char *const prefix[] = {
	    [LOG_LV_ERROR] = "",
	    [LOG_LV_WARN] = "warning: ",
	    [LOG_LV_INFO] = "",
	    [LOG_LV_DEBUG] = "debug: ",
	};
	va_list ap;

	if (lv > lg->level || !lg->out)
		return;
	fprintf(lg->out, "%s: %s", lg->prog, prefix[lv]);
	va_start(ap, fmt);
	vfprintf(lg->out, fmt, ap);
	va_end(ap);
	fputc('\n', lg->out);
	fflush(lg->out);
}
