/* vds_vsipioctl_state.h - the distributed-firewall state of the mock
 * vds-vsipioctl.
 * Owns: the state file STATE_VSIP (filters with their rulesets and
 * address sets, and the memory heaps; schema in docs/state-files.md) and the
 * text formats of getfilters/getrules/getaddrsets/getmeminfo.
 */
#ifndef ESXMOCK_VDS_VSIPIOCTL_STATE_H
#define ESXMOCK_VDS_VSIPIOCTL_STATE_H

#include <stddef.h>

#include <json-c/json.h>

#include "state.h"
#include "strbuf.h"

/* Each appends its report to out. 'root' is the parsed state file. Errors:
 * -ENOENT (unknown filter: err names it), -EBADMSG (bad state: err names
 * file and JSON pointer). */
int vsip_getfilters(json_object *root, const char *filter, struct strbuf *out,
		    char *err, size_t errlen);
int vsip_getrules(json_object *root, const char *filter, struct strbuf *out,
		  char *err, size_t errlen);
int vsip_getaddrsets(json_object *root, const char *filter, struct strbuf *out,
		     char *err, size_t errlen);
int vsip_getmeminfo(json_object *root, struct strbuf *out, char *err,
		    size_t errlen);

#endif
