/*
 * The board's network: lwIP (NO_SYS) over the LAN9118 with QEMU's user
 * network addresses (guest 10.0.2.15/24, gateway = host 10.0.2.2, DNS
 * 10.0.2.3), and one pass of the main loop for tlsc_lwip_set_poll.
 */
#ifndef TLSC_DEVICE_NET_H
#define TLSC_DEVICE_NET_H

/* Bring lwIP and the interface up; 0 on success. */
int net_init(void);
/* Ask the DNS server at dotted (e.g. "10.0.2.2", the host) instead of
 * QEMU's; 0 on success. For the tests' own DNS server. */
int net_set_dns(const char *dotted);
/* One main-loop pass: receive frames, run lwIP's timers, sleep until the
 * next interrupt when nothing arrived. */
void net_poll(void *ud);

#endif
