/* limits_ctl.h - every cap and default of the control channel in one place.
 * Owns named constants only; proto/PROTOCOL.md "Limits" quotes them. */
#ifndef ESXMOCK_FSD_LIMITS_CTL_H
#define ESXMOCK_FSD_LIMITS_CTL_H

/* Default listen address, and the environment variables read. */
#define CTL_DEFAULT_LISTEN "127.0.0.1:7744"
#define CTL_ENV_TOKEN "ESXMOCK_TOKEN"

/* Longest request line in bytes, newline (and an optional CR) excluded. A
 * longer line gets RPC_ERR_LINE_TOO_LONG and the connection is closed. */
#define CTL_LINE_MAX (1024 * 1024)

/* JSON nesting depth accepted in a request (json-c tokener depth). */
#define CTL_JSON_DEPTH 64

/* Longest token accepted by --control-token / ESXMOCK_TOKEN. */
#define CTL_TOKEN_MAX 256

/* Largest serialized reply or notification line. A result that would be
 * larger is replaced by an RPC_ERR_REPLY_TOO_LARGE error. */
#define CTL_REPLY_MAX (8 * 1024 * 1024)

/* Output queued for one client: above CTL_OUT_PAUSE the server stops
 * reading that client's requests until the queue drains to half of it;
 * above CTL_OUT_MAX (reachable only through notifications) the client is
 * dropped. A client with output queued that accepts no byte for
 * CTL_STALL_MS is dropped too. */
#define CTL_OUT_PAUSE (1024 * 1024)
#define CTL_OUT_MAX (16 * 1024 * 1024)
#define CTL_STALL_MS 30000

/* A connection closed by the server (line too long, wrong token, EOF)
 * shuts down its side and waits this long for the peer to close. */
#define CTL_LINGER_MS 2000

/* Connected clients accepted at once (dial-out connections not counted).
 * The next one gets an RPC_ERR_TOO_MANY_CLIENTS line and is closed. */
#define CTL_CLIENTS_MAX 1024

/* accept() failing with EMFILE/ENFILE pauses the listener this long. */
#define CTL_ACCEPT_PAUSE_MS 200

/* Dial-out (--control-connect) reconnect back-off: doubles from MIN to
 * MAX, back to MIN once a connection served a request. */
#define CTL_BACKOFF_MIN_MS 100
#define CTL_BACKOFF_MAX_MS 30000

/* files.get: most bytes returned by one call (use offset/length beyond). */
#define CTL_FILE_GET_MAX (4 * 1024 * 1024)

/* files.list: default and largest number of entries returned by one call. */
#define CTL_LIST_DEFAULT 10000
#define CTL_LIST_MAX 100000

/* Counters a daemon context may report through stats. */
#define CTL_HOST_COUNTERS_MAX 128

#endif
