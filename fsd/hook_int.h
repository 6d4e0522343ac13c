/* hook_int.h - the hook's private state, shared by hook*.c only.
 * Owns struct hook (one per daemon, fsd->hook) and struct hook_req. */
#ifndef ESXMOCK_FSD_HOOK_INT_H
#define ESXMOCK_FSD_HOOK_INT_H

#include "hook.h"

struct hook {
	struct hook_config cfg;
	struct hook_req *cur; /* the request between its hook and reply */
};

#endif
