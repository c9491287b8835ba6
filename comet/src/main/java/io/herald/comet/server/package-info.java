/**
 * One Comet process: {@link io.herald.comet.server.CometServer} (lifecycle and drain state), the
 * parts it wires and starts ({@code CometParts}: event loops, listeners, gRPC endpoint, registry
 * record, operator port), the drain's reconnect notices, and {@link
 * io.herald.comet.server.CometMain}.
 */
package io.herald.comet.server;
