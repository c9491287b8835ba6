package io.herald.client;

import io.herald.wire.ProtocolVersion;

/**
 * An authenticated connection.
 *
 * @param node the Comet's {@code host:port}
 * @param transport how it was reached
 * @param version the protocol version spoken
 * @param mid the user id (the server's, in version 2; the configured one in version 1)
 * @param key the device key (assigned by the server in version 2 when none was configured)
 * @param serverHeartbeatMillis the interval the server expects (version 2), 0 when not told
 */
public record ConnectionInfo(
    String node,
    Transport transport,
    ProtocolVersion version,
    long mid,
    String key,
    long serverHeartbeatMillis) {}
