/**
 * Connections the kernel holds for the hub until it accepts them. A reconnect storm (a network
 * blip drops every client of a node, and they all come back at once) overflows Node's default of
 * 511 while the event loop works through handshakes, and every SYN dropped costs its client a TCP
 * retransmission, 1 s, then 3 s, 7 s later. The kernel caps it at net.core.somaxconn (4096 on
 * current Linux).
 */
export const LISTEN_BACKLOG = 4096;
