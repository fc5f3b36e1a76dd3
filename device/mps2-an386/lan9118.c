/*
 * Polled LAN9118 netif. Register layout: SMSC LAN9118 datasheet, section 5
 * (system control and status registers) and 5.4 (MAC CSRs, reached
 * indirectly through MAC_CSR_CMD / MAC_CSR_DATA). Frames move through the
 * data FIFOs one 32-bit word at a time, little-endian. The chip appends
 * the 4-byte FCS to every received frame; it is dropped here.
 */
#include <string.h>

#include "board.h"
#include "lan9118.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define LAN_BASE 0x40200000u
#define LAN(off) (*(volatile uint32_t *)(LAN_BASE + (off)))
#define RX_DATA_FIFO LAN(0x00)
#define TX_DATA_FIFO LAN(0x20)
#define RX_STATUS_FIFO LAN(0x40)
#define TX_STATUS_FIFO LAN(0x48)
#define ID_REV LAN(0x50)
#define INT_EN LAN(0x5c)
#define BYTE_TEST LAN(0x64)
#define TX_CFG LAN(0x70)
#define HW_CFG LAN(0x74)
#define RX_FIFO_INF LAN(0x7c)
#define TX_FIFO_INF LAN(0x80)
#define MAC_CSR_CMD LAN(0xa4)
#define MAC_CSR_DATA LAN(0xa8)

#define CSR_BUSY 0x80000000u
#define CSR_READ 0x40000000u
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_CR_TXEN 0x8u
#define MAC_CR_RXEN 0x4u
#define MAC_CR_BCAST_OFF 0x800u
#define TX_CFG_ON 0x2u
#define HW_CFG_SRST 0x1u
#define TX_CMD_A_FIRST (1u << 13)
#define TX_CMD_A_LAST (1u << 12)
#define FRAME_MAX 1536u

static uint32_t mac_read(uint32_t reg)
{
    MAC_CSR_CMD = CSR_BUSY | CSR_READ | reg;
    while (MAC_CSR_CMD & CSR_BUSY) {
    }
    return MAC_CSR_DATA;
}

static void mac_write(uint32_t reg, uint32_t val)
{
    MAC_CSR_DATA = val;
    MAC_CSR_CMD = CSR_BUSY | reg;
    while (MAC_CSR_CMD & CSR_BUSY) {
    }
}

/* One frame from lwIP: its pbuf chain goes out as one FIFO buffer, words
 * packed across pbuf boundaries. */
static err_t lan9118_output(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    if (p->tot_len > FRAME_MAX)
        return ERR_BUF;
    uint32_t need = ((p->tot_len + 3u) & ~3u) + 8u;
    for (unsigned spins = 0; (TX_FIFO_INF & 0xffffu) < need; spins++)
        if (spins > 1000000u)
            return ERR_MEM;
    TX_DATA_FIFO = TX_CMD_A_FIRST | TX_CMD_A_LAST | p->tot_len;
    TX_DATA_FIFO = ((uint32_t)p->tot_len << 16) | p->tot_len; /* tag | length */
    uint32_t word = 0;
    unsigned have = 0;
    for (struct pbuf *q = p; q != NULL; q = q->next) {
        const uint8_t *b = q->payload;
        for (u16_t i = 0; i < q->len; i++) {
            word |= (uint32_t)b[i] << (8u * have);
            if (++have == 4) {
                TX_DATA_FIFO = word;
                word = 0;
                have = 0;
            }
        }
    }
    if (have > 0)
        TX_DATA_FIFO = word;
    (void)TX_STATUS_FIFO; /* keep the status FIFO from filling up */
    return ERR_OK;
}

err_t lan9118_init(struct netif *netif)
{
    if (BYTE_TEST != 0x87654321u)
        return ERR_IF;
    HW_CFG = HW_CFG_SRST;
    while (HW_CFG & HW_CFG_SRST) {
    }
    INT_EN = 0; /* polled */
    uint32_t lo = mac_read(MAC_ADDRL), hi = mac_read(MAC_ADDRH);
    netif->hwaddr_len = 6;
    netif->hwaddr[0] = (u8_t)lo;
    netif->hwaddr[1] = (u8_t)(lo >> 8);
    netif->hwaddr[2] = (u8_t)(lo >> 16);
    netif->hwaddr[3] = (u8_t)(lo >> 24);
    netif->hwaddr[4] = (u8_t)hi;
    netif->hwaddr[5] = (u8_t)(hi >> 8);
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                   NETIF_FLAG_LINK_UP;
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = lan9118_output;
    /* Exact MAC filter plus broadcast (the reset default is promiscuous). */
    mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN);
    TX_CFG = TX_CFG_ON;
    return ERR_OK;
}

/* ---- fault injection (tests) ------------------------------------------- */

static unsigned fault_drop, fault_reorder;
static unsigned long faults_dropped, faults_reordered;
static struct pbuf *held; /* a frame delivered after the next one */

void lan9118_set_faults(unsigned drop_permille, unsigned reorder_permille)
{
    fault_drop = drop_permille;
    fault_reorder = reorder_permille;
}

void lan9118_fault_counts(unsigned long *dropped, unsigned long *reordered)
{
    *dropped = faults_dropped;
    *reordered = faults_reordered;
}

static void deliver(struct netif *netif, struct pbuf *p)
{
    if (netif->input(p, netif) != ERR_OK)
        pbuf_free(p);
}

/* Pass a received frame on, dropping or holding it back as configured. */
static void receive(struct netif *netif, struct pbuf *p)
{
    uint32_t dice = fault_drop + fault_reorder > 0 ? board_rand() % 1000u : 1000u;
    if (dice < fault_drop) {
        faults_dropped++;
        pbuf_free(p);
        return;
    }
    if (dice < fault_drop + fault_reorder && held == NULL) {
        faults_reordered++;
        held = p;
        return;
    }
    deliver(netif, p);
    if (held != NULL) {
        struct pbuf *h = held;
        held = NULL;
        deliver(netif, h);
    }
}

/* ---- receive ------------------------------------------------------------ */

static void read_frame(struct netif *netif, uint32_t status)
{
    uint32_t len = (status >> 16) & 0x3fffu; /* frame + FCS */
    uint32_t words = (len + 3u) / 4u;
    bool bad = (status & 0x8000u) != 0 || len < 18u || len > FRAME_MAX;
    struct pbuf *p = bad ? NULL : pbuf_alloc(PBUF_RAW, (u16_t)(len - 4u), PBUF_POOL);
    if (p == NULL) {
        while (words-- > 0)
            (void)RX_DATA_FIFO; /* drop it: TCP retransmits */
        return;
    }
    struct pbuf *q = p;
    u16_t off = 0;
    uint32_t left = len - 4u;
    while (words-- > 0) {
        uint32_t w = RX_DATA_FIFO;
        for (unsigned k = 0; k < 4u && left > 0; k++, left--) {
            if (off == q->len) {
                q = q->next;
                off = 0;
            }
            ((uint8_t *)q->payload)[off++] = (uint8_t)(w >> (8u * k));
        }
    }
    receive(netif, p);
}

void lan9118_poll(struct netif *netif)
{
    while ((RX_FIFO_INF >> 16) & 0xffu)
        read_frame(netif, RX_STATUS_FIFO);
}
