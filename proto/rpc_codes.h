/* rpc_codes.h - the error codes of the esxmock control protocol (JSON-RPC 2.0).
 * Owns the numbers only; proto/PROTOCOL.md "Errors" explains each one. */
#ifndef ESXMOCK_RPC_CODES_H
#define ESXMOCK_RPC_CODES_H

#define RPC_PROTOCOL_VERSION 1

/* JSON-RPC 2.0 standard codes. */
#define RPC_PARSE_ERROR -32700      /* not JSON, invalid UTF-8, too deep */
#define RPC_INVALID_REQUEST -32600  /* JSON, but not a valid request */
#define RPC_METHOD_NOT_FOUND -32601 /* no such method (or not yet built) */
#define RPC_INVALID_PARAMS -32602   /* data.param names the culprit */
#define RPC_INTERNAL_ERROR -32603   /* a bug or an unexpected failure */

/* esxmock range -32000..-32099.
 * -32000..-32039: an operation failed with an errno; data.errno holds its
 * name ("ENOENT") and data.path the subject when there is one. Frequent
 * errnos have their own code, every other errno uses RPC_ERR_ERRNO. */
#define RPC_ERR_ERRNO -32000    /* any errno without a code of its own */
#define RPC_ERR_NOENT -32001    /* ENOENT */
#define RPC_ERR_EXIST -32002    /* EEXIST */
#define RPC_ERR_NOTDIR -32003   /* ENOTDIR */
#define RPC_ERR_ISDIR -32004    /* EISDIR */
#define RPC_ERR_ACCES -32005    /* EACCES, EPERM */
#define RPC_ERR_INVAL -32006    /* EINVAL: the daemon refused a value */
#define RPC_ERR_TOOBIG -32007   /* EFBIG, E2BIG, ENAMETOOLONG */
#define RPC_ERR_TIMEDOUT -32008 /* ETIMEDOUT */
#define RPC_ERR_BUSY -32009     /* EBUSY, EAGAIN */
#define RPC_ERR_NOSPC -32010    /* ENOSPC */
#define RPC_ERR_NOTEMPTY -32011 /* ENOTEMPTY */
#define RPC_ERR_ILSEQ -32012    /* EILSEQ: bytes are not text (UTF-8) */
#define RPC_ERR_ROFS -32013     /* EROFS */
#define RPC_ERR_NOMEM -32014    /* ENOMEM */
#define RPC_ERR_NOSYS -32015    /* ENOSYS, EOPNOTSUPP: not available here */

/* -32040..-32059: conditions of the control channel itself. */
#define RPC_ERR_UNAUTHORIZED -32040     /* token missing or wrong */
#define RPC_ERR_LINE_TOO_LONG -32041    /* request line over the cap: close */
#define RPC_ERR_TOO_MANY_CLIENTS -32042 /* connection refused: close */
#define RPC_ERR_REPLY_TOO_LARGE -32043  /* the result would exceed the cap */
#define RPC_ERR_PROTOCOL -32044         /* hello asked for another version */
#define RPC_ERR_SHUTDOWN -32045         /* the daemon is stopping */

#endif
