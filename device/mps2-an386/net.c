#include "board.h"
#include "lan9118.h"
#include "net.h"

#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

static struct netif eth;

int net_init(void)
{
    ip4_addr_t ip, mask, gw, dns;
    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    IP4_ADDR(&dns, 10, 0, 2, 3);
    lwip_init();
    if (netif_add(&eth, &ip, &mask, &gw, NULL, lan9118_init, ethernet_input) == NULL)
        return -1;
    netif_set_default(&eth);
    netif_set_up(&eth);
    dns_setserver(0, &dns);
    return 0;
}

int net_set_dns(const char *dotted)
{
    ip_addr_t dns;
    if (!ipaddr_aton(dotted, &dns))
        return -1;
    dns_setserver(0, &dns);
    return 0;
}

void net_poll(void *ud)
{
    (void)ud;
    lan9118_poll(&eth);
    sys_check_timeouts();
    board_idle();
}
