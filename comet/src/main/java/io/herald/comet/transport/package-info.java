/**
 * The Comet's client-facing transport: the TCP and WebSocket pipelines, the AUTH handshake and the
 * requests of an authenticated connection.
 *
 * <p>The server builds one {@link io.herald.comet.transport.TransportContext} and binds a {@link
 * io.herald.comet.transport.TcpChannelInitializer} and/or {@link
 * io.herald.comet.transport.WebSocketChannelInitializer} per listener (each with or without TLS).
 * Each initializer holds what the handlers of its listener share (a {@code ClientListener}: the
 * calls to Logic, the buckets, the limits, the meters), so a handler reaches a collaborator in one
 * step and carries no copies. Both pipelines end in the same tail:
 *
 * <pre>
 * [proxy] → limiter (gone once it admits) → [tls] → transport codec → auth
 * </pre>
 *
 * where {@code [proxy]}, on a listener with the PROXY protocol on, reads the load balancer's header
 * and leaves ({@link io.herald.comet.proxy}), and the auth handler replaces itself by the
 * connection handler once Logic accepts the client. Both are {@code ClientFrameHandler}s: op-9
 * batch splitting, frame metering, the upstream rate limit ({@code UpstreamRate}), flush batching
 * (its base, {@code FlushBatchingHandler}), the slow-consumer deadline and the terminal error
 * handling live in that one handler, not in handlers of their own, and one {@link
 * io.herald.comet.transport.SilenceSweep} per event loop checks the heartbeat deadlines. An idle
 * authenticated TCP connection's pipeline is {@code decoder → encoder → connection}.
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
