package io.herald.client;

import io.herald.wire.FrameLimits;
import io.herald.wire.ProtocolVersion;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/** Everything a client was built with; see {@link HeraldClient.Builder} for each setting. */
record ClientConfig(
    Transport transport,
    ProtocolVersion version,
    List<String> nodes,
    URI balancer,
    String webSocketPath,
    long mid,
    String key,
    String platform,
    String token,
    List<String> rooms,
    List<Integer> accepts,
    HeartbeatPolicy heartbeat,
    ReconnectPolicy reconnect,
    Duration connectTimeout,
    Duration requestTimeout,
    FrameLimits limits,
    HeraldListener listener,
    Executor callbackExecutor,
    EventLoopGroup group,
    ClientScheduler scheduler,
    DoubleSupplier random,
    LongSupplier nanoTime,
    boolean sync,
    InboxStore inboxStore,
    ChatListener chatListener,
    ChatRetryPolicy chatRetry) {}
