/* SPDX-License-Identifier: MIT */
/*
 * The 16550 serial driver (docs/console.md): one user process driving one
 * UART through the I/O ports and the interrupt line it was granted, and
 * serving include/proto/io.h on an endpoint it registers with the
 * registry.
 *
 * Layers: uart.c is the chip (registers, moving bytes between its FIFOs
 * and the driver's rings, which interrupts to enable); io.c is the
 * protocol (one handler per request, readers and writers that wait);
 * main.c finds the handles, sets things up and runs the receive loop with
 * its dispatch table.
 *
 * Invariants:
 *   - rx and tx are rings of free-running positions (head - tail bytes
 *     held, never more than the ring's size);
 *   - a reader waits (a saved reply in readers[]) only while rx is empty;
 *     a writer waits (its bytes copied into writers[]) only while tx
 *     cannot take them; both are served in arrival order;
 *   - bytes leave rx only once the reply that carries them went out, so
 *     a reader that died meanwhile loses nothing for the next one;
 *   - in loopback mode the transmitter is held while rx lacks room for
 *     what the chip could still bring back, so nothing sent is lost.
 * One thread does everything: no locks.
 */
#ifndef CAIRN_DRIVERS_SERIAL_H
#define CAIRN_DRIVERS_SERIAL_H

#include <stdint.h>

#include <cairn/ipc.h>

#define SERIAL_RX_SIZE     16384u /* powers of two */
#define SERIAL_TX_SIZE     16384u
#define SERIAL_MAX_READERS 16u
#define SERIAL_MAX_WRITERS 8u
#define SERIAL_PORTS       8u /* a 16550's registers */

struct serial_reader {
    long reply; /* a saved reply (ipc_reply_save) */
    uint32_t want;
};

struct serial_writer {
    long reply;
    uint32_t len;
    uint8_t data[CAIRN_MSG_BUF_MAX];
};

struct serial {
    uint16_t port;    /* the UART's first register */
    int loopback;     /* the chip's internal loopback (MCR bit 4), for tests */
    uint16_t divisor; /* of 115200 baud */
    uint8_t ier;      /* the interrupts enabled now */
    unsigned overruns;

    uint8_t rx[SERIAL_RX_SIZE];
    uint32_t rx_head, rx_tail;
    uint8_t tx[SERIAL_TX_SIZE];
    uint32_t tx_head, tx_tail;

    struct serial_reader readers[SERIAL_MAX_READERS];
    uint32_t rd_head, rd_tail;
    struct serial_writer writers[SERIAL_MAX_WRITERS];
    uint32_t wr_head, wr_tail;
};

/* One request as received: its words, its bytes. */
struct serial_request {
    uint64_t w[CAIRN_MSG_WORDS];
    const uint8_t *data;
    uint32_t len;
};

/* A handler's answer: reply now with these words and bytes, or not at
 * all (the caller was saved to be answered later). */
struct serial_reply {
    int deferred;
    uint64_t w[CAIRN_MSG_WORDS];
    const void *data;
    uint32_t len;
    uint32_t consume; /* rx bytes to take once the reply went out */
};

/* uart.c */
int uart_probe(uint16_t port);
void uart_init(struct serial *s);
void uart_service(struct serial *s);

/* io.c: the handlers of include/proto/io.h, and serving the waiters */
void serial_do_read(struct serial *s, const struct serial_request *rq, struct serial_reply *rp);
void serial_do_write(struct serial *s, const struct serial_request *rq, struct serial_reply *rp);
void serial_do_stat(struct serial *s, const struct serial_request *rq, struct serial_reply *rp);
void serial_serve_waiters(struct serial *s);
int serial_busy(const struct serial *s);

#endif
