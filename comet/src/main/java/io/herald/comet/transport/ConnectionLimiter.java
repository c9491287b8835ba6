package io.herald.comet.transport;

import io.herald.config.Check;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits client connections and counts the open ones. First in every client pipeline (before TLS,
 * so a refused connection costs no handshake); one instance per server, shared by all its
 * listeners.
 *
 * <p>A client IP holding {@code connectionsPerIp} connections has its next one closed at once,
 * counted in {@code herald.comet.rate.limited{kind=per_ip}}. An IP's entry is removed when its last
 * connection closes, so memory follows the open connections, not every address ever seen.
 *
 * <p>{@code herald.comet.connections{transport}} gauges the admitted connections per transport
 * (authenticated or not yet).
 */
@Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
  private static final AttributeKey<String> ADMITTED = AttributeKey.valueOf("herald.admittedIp");

  private final int connectionsPerIp;
  private final Map<String, Integer> perIp = new ConcurrentHashMap<>();
  private final Map<TransportKind, AtomicLong> open = new EnumMap<>(TransportKind.class);
  private final Counter refused;

  /**
   * @param connectionsPerIp concurrent connections one client IP may hold ({@code
   *     limits.connectionsPerIp})
   */
  public ConnectionLimiter(int connectionsPerIp, MeterRegistry meters) {
    Check.positive("connectionsPerIp", connectionsPerIp);
    this.connectionsPerIp = connectionsPerIp;
    for (TransportKind kind : TransportKind.values()) {
      AtomicLong count = new AtomicLong();
      open.put(kind, count);
      Gauge.builder("herald.comet.connections", count, AtomicLong::get)
          .tag("transport", kind.tag())
          .description("Open client connections")
          .register(meters);
    }
    this.refused = TransportMetrics.rateLimited(meters, "per_ip");
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    String ip = clientIp(channel);
    int count = perIp.merge(ip, 1, Integer::sum);
    if (count > connectionsPerIp) {
      release(ip);
      refused.increment();
      log.debug("Refusing {}: {} already holds {} connections", channel, ip, connectionsPerIp);
      ChannelFuture unused = ctx.close();
      return;
    }
    channel.attr(ADMITTED).set(ip);
    TransportKind kind = TransportKind.of(channel);
    if (kind != null) {
      open.get(kind).incrementAndGet();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    String ip = channel.attr(ADMITTED).getAndSet(null);
    if (ip != null) {
      release(ip);
      TransportKind kind = TransportKind.of(channel);
      if (kind != null) {
        open.get(kind).decrementAndGet();
      }
    }
    ctx.fireChannelInactive();
  }

  private void release(String ip) {
    perIp.computeIfPresent(ip, (key, count) -> count <= 1 ? null : count - 1);
  }

  /** Distinct client IPs with open connections. */
  public int clientIps() {
    return perIp.size();
  }

  /** Open connections on {@code kind}. */
  public long openConnections(TransportKind kind) {
    return open.get(kind).get();
  }

  /** The client's IP as text (no port), or the address's text for non-IP channels (tests). */
  static String clientIp(Channel channel) {
    SocketAddress remote = channel.remoteAddress();
    if (remote instanceof InetSocketAddress inet) {
      return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
    }
    return String.valueOf(remote);
  }
}
