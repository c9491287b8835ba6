/**
 * The connections and rooms this Comet holds: each authenticated {@link
 * io.herald.comet.session.Connection} (who the client is, its transport and version, its rooms and
 * accepted ops), the {@link io.herald.comet.session.Buckets} that index them by device key and
 * room, the connection ids, and the {@link io.herald.comet.session.Notices} the Comet sends a
 * connection of its own accord (op 6 before a close, op 21 to drain). No I/O besides those notices.
 */
package io.herald.comet.session;
