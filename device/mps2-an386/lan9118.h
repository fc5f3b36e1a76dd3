/*
 * A small polled driver for the SMSC LAN9118 Ethernet controller of the
 * mps2 boards (at 0x40200000), as an lwIP netif (NO_SYS). No interrupts:
 * the main loop calls lan9118_poll, which moves every received frame into
 * lwIP. Fault injection for tests: lan9118_set_faults drops and reorders a
 * given per-mille of received frames.
 */
#ifndef TLSC_DEVICE_LAN9118_H
#define TLSC_DEVICE_LAN9118_H

#include "lwip/netif.h"

/* netif_add's init function: resets the chip, reads its MAC address. */
err_t lan9118_init(struct netif *netif);
/* Hand every frame waiting in the RX FIFO to netif->input. */
void lan9118_poll(struct netif *netif);
/* Drop drop_permille and hold back (deliver after the next frame)
 * reorder_permille of the received frames; 0, 0 turns it off. */
void lan9118_set_faults(unsigned drop_permille, unsigned reorder_permille);
/* Frames dropped and reordered by the fault injection so far. */
void lan9118_fault_counts(unsigned long *dropped, unsigned long *reordered);

#endif
