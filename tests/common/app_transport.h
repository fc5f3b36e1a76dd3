/* The application-provided transport of the event and MQTT tests (see
 * app_transport.c). */
#ifndef TLSC_TEST_APP_TRANSPORT_H
#define TLSC_TEST_APP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "tlsc/tlsc.h"

/* One transport: a non-blocking TCP socket the test opened itself and
 * polls itself. The test owns it; tlsc holds a pointer to it while a
 * connection uses it, so it must outlive that connection. */
typedef struct app_tp {
    int fd;                 /* -1 once closed */
    bool want_write;        /* send hit EAGAIN: watch for room */
    bool silent;            /* app_tp_poll never reports its readiness */
    int closes;             /* tp->close calls */
    tlsc_ev *ev;            /* where app_tp_poll reports readiness */
} app_tp;

/* send / recv / close over t->fd (ctx is the app_tp); exposed so that a
 * test can build a transport that lacks one of them. */
tlsc_err app_tp_send(void *ctx, const unsigned char *buf, size_t len, size_t *sent);
tlsc_err app_tp_recv(void *ctx, unsigned char *buf, size_t len, size_t *got);
void app_tp_close(void *ctx);

/* { app_tp_send, app_tp_recv, NULL, app_tp_close } */
extern const tlsc_transport app_tp_transport;

/* Clear *t and connect it (blocking, then non-blocking) to
 * 127.0.0.1:port. Returns 0, or -1 (errno set; t->fd is closed and -1)
 * for the test to report in its own way. */
int app_tp_open(app_tp *t, int port);

/* How long the application's loop may wait in poll: until loop's next
 * deadline (tlsc_loop_deadline), at most cap_ms. */
int app_tp_wait_ms(const tlsc_loop *loop, int cap_ms);

/* The application's half of a loop pass: poll the sockets of the n
 * transports t[] that are open and not silent (at most 16) for up to
 * wait_ms, and report what each is ready for with
 * tlsc_ev_transport_ready(t->ev, ...), as an lwIP application would from
 * its recv / sent callbacks (an error or hang-up reports both). Returns
 * poll's result (-1: poll failed, errno set). */
int app_tp_poll(app_tp *t, size_t n, int wait_ms);

#endif
