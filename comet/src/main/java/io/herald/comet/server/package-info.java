/**
 * One Comet process: {@link io.herald.comet.server.CometServer} (lifecycle and drain state), the
 * parts it wires and starts ({@code CometParts}: event loops, listeners, gRPC endpoint, registry
 * record, operator port) and the drain's reconnect notices. The process starts through the launcher
 * ({@code herald comet}, module {@code dist}).
 */
package io.herald.comet.server;
