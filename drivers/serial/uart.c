// SPDX-License-Identifier: MIT
/*
 * The 16550 itself: its registers, and moving bytes between its FIFOs and
 * the driver's rings (serial.h).
 *
 * The line is an ISA interrupt, edge-triggered: the chip raises it while
 * any enabled cause is pending, and a new edge comes only once every
 * cause has been cleared. So uart_service drains everything there is
 * (received bytes while rx has room, the transmitter while tx has bytes),
 * reads IIR (which clears a transmitter-empty cause), and enables only
 * the causes the driver can act on: "received data" while rx has room,
 * "transmitter empty" while bytes wait to go. A cause left pending with
 * its interrupt disabled raises the line again, with a fresh edge, when
 * it is enabled again.
 */
#include <stdint.h>

#include <portio/portio.h>

#include "serial.h"

/* Registers, from the base port (DLAB clear unless said). */
#define UART_DATA 0 /* RBR (read), THR (write); DLL with DLAB */
#define UART_IER  1 /* interrupt enable; DLM with DLAB */
#define UART_IIR  2 /* interrupt identification (read), FCR (write) */
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define UART_SCR  7

#define IER_RX 0x01 /* received data available (and the FIFO's time-out) */
#define IER_TX 0x02 /* transmitter holding register empty */

#define LCR_8N1  0x03
#define LCR_DLAB 0x80

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define MCR_DTR      0x01
#define MCR_RTS      0x02
#define MCR_OUT2     0x08 /* gates the chip's interrupt onto the ISA line */
#define MCR_LOOPBACK 0x10

#define LSR_DR   0x01 /* a received byte is waiting */
#define LSR_OE   0x02 /* a received byte was lost: the FIFO was full */
#define LSR_THRE 0x20 /* the transmit FIFO is empty */

#define UART_FIFO 16u /* bytes the transmit FIFO takes at once */

/* In loopback mode the transmitter stops while rx has less room than the
 * bytes the chip may still hold: its transmit FIFO and its receive FIFO. */
#define LOOPBACK_RESERVE (2 * UART_FIFO)

static uint32_t
rx_room(const struct serial *s)
{
    return SERIAL_RX_SIZE - (s->rx_head - s->rx_tail);
}

static int
tx_may_send(const struct serial *s)
{
    return s->tx_head != s->tx_tail && (!s->loopback || rx_room(s) >= LOOPBACK_RESERVE);
}

/* Is there a 16550 at port? Its scratch register keeps what is written. */
int
uart_probe(uint16_t port)
{
    port_out8(port + UART_SCR, 0x5a);
    if (port_in8(port + UART_SCR) != 0x5a)
        return 0;
    port_out8(port + UART_SCR, 0xa5);
    return port_in8(port + UART_SCR) == 0xa5;
}

/* 115200 / divisor baud, 8 data bits, no parity, one stop bit, FIFOs on with a
 * receive trigger of one byte (the reader waits for the first byte, not
 * for a FIFO's worth), interrupts gated onto the line (OUT2). */
void
uart_init(struct serial *s)
{
    uint16_t p = s->port;

    port_out8(p + UART_IER, 0);
    port_out8(p + UART_LCR, LCR_DLAB);
    port_out8(p + UART_DATA, (uint8_t)s->divisor);
    port_out8(p + UART_IER, (uint8_t)(s->divisor >> 8));
    port_out8(p + UART_LCR, LCR_8N1);
    port_out8(p + UART_IIR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX);
    port_out8(p + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2 | (s->loopback ? MCR_LOOPBACK : 0));
    while (port_in8(p + UART_LSR) & LSR_DR) /* whatever came before us */
        (void)port_in8(p + UART_DATA);
    (void)port_in8(p + UART_IIR);
    s->ier = 0;
    uart_service(s);
}

/* Moves what can move now, then enables the interrupts that will say
 * when more can. Bounded: a chip that always has a byte (a broken one, or
 * line noise at full speed) cannot keep the driver here. */
void
uart_service(struct serial *s)
{
    uint16_t p = s->port;
    uint8_t ier;

    for (unsigned rounds = 0; rounds < 4 * SERIAL_RX_SIZE / UART_FIFO; rounds++) {
        uint8_t lsr = port_in8(p + UART_LSR);
        int moved = 0;

        if (lsr & LSR_OE)
            s->overruns++;
        while ((lsr & LSR_DR) && rx_room(s) > 0) {
            s->rx[s->rx_head++ % SERIAL_RX_SIZE] = port_in8(p + UART_DATA);
            moved = 1;
            lsr = port_in8(p + UART_LSR);
        }
        if ((lsr & LSR_THRE) && tx_may_send(s)) {
            for (unsigned i = 0; i < UART_FIFO && tx_may_send(s); i++)
                port_out8(p + UART_DATA, s->tx[s->tx_tail++ % SERIAL_TX_SIZE]);
            moved = 1;
        }
        if (!moved)
            break;
    }
    (void)port_in8(p + UART_IIR);
    ier = (rx_room(s) > 0 ? IER_RX : 0) | (tx_may_send(s) ? IER_TX : 0);
    /* Off, then on, every time: a cause that came after the last look
     * would otherwise keep the line up with no new edge for it. */
    port_out8(p + UART_IER, 0);
    if (ier)
        port_out8(p + UART_IER, ier);
    s->ier = ier;
}
