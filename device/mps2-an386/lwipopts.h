/*
 * lwIP options of the emulated board: NO_SYS (no OS: one main loop calls
 * lan9118_poll and sys_check_timeouts), IPv4 with static addresses for
 * QEMU's user network (guest 10.0.2.15, host 10.0.2.2, DNS 10.0.2.3),
 * raw TCP API only, pools in static RAM. TCP_WND can be set from the
 * build (-DTCP_WND=4096) for the window-smaller-than-record scenario.
 */
#ifndef TLSC_DEVICE_LWIPOPTS_H
#define TLSC_DEVICE_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DNS 1
#define LWIP_DHCP 0
#define LWIP_STATS 0
#define LWIP_NETIF_HOSTNAME 0

#define MEM_ALIGNMENT 4
#define MEM_SIZE (24 * 1024)
#define MEMP_NUM_TCP_PCB 6
#define MEMP_NUM_TCP_SEG 32
#define PBUF_POOL_SIZE 24
#define TCP_MSS 1460
#ifndef TCP_WND
#define TCP_WND (4 * TCP_MSS)
#endif
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_SND_QUEUELEN 16
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_KEEPALIVE 0
#define DNS_MAX_SERVERS 1

#define LWIP_RAND() board_rand()
#include <stdint.h>
uint32_t board_rand(void);

#ifndef LWIP_ALTCP
#define LWIP_ALTCP 0
#endif

#endif
