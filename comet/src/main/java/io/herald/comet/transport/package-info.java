/**
 * The Comet's client-facing transport: the TCP and WebSocket pipelines, the AUTH handshake and the
 * requests of an authenticated connection.
 *
 * <p>The server builds one {@link io.herald.comet.transport.TransportContext} and binds a {@link
 * io.herald.comet.transport.TcpChannelInitializer} and/or {@link
 * io.herald.comet.transport.WebSocketChannelInitializer} per listener (each with or without TLS).
 * Both pipelines end in the same tail:
 *
 * <pre>
 * limiter → [tls] → transport codec → batches → meter → flush → slow-consumer → rate → auth
 *   → errors
 * </pre>
 *
 * where the auth handler replaces itself by the connection handler once Logic accepts the client.
 *
 * <p>Decisions a client can observe:
 *
 * <ul>
 *   <li>No op but AUTH is served before AUTH succeeds; another op first closes the connection.
 *       Frames pipelined behind AUTH wait (the channel stops reading) and are served after
 *       AUTH_REPLY.
 *   <li>AUTH_REPLY has an empty body in version 1 (goim's) and {@code
 *       {"mid":..,"key":"..","heartbeat_ms":..}} in version 2.
 *   <li>After AUTH, unknown ops are ignored (counted), not fatal: a newer client keeps working
 *       against an older Comet. Malformed room ids and op lists are ignored likewise. Only framing
 *       errors, floods (rate and per-IP limits) and silence close a connection.
 *   <li>Liveness is any frame from the client (WebSocket pings are answered by the WebSocket layer
 *       and do not count); the deadline is Logic's heartbeat interval times {@code maxMissed},
 *       clamped to the configured bounds.
 * </ul>
 */
package io.herald.comet.transport;
