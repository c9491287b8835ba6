package io.herald.comet.transport;

import io.herald.comet.config.CometConfig;
import io.herald.comet.proxy.ClientAddress;
import io.herald.comet.session.TransportKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits client connections and counts the open ones. First in every client pipeline (before TLS,
 * so a refused connection costs no handshake; after the PROXY header on a listener that expects
 * one, so the client IP is the one the header declares: {@link ClientAddress}); one instance per
 * server, shared by all its listeners.
 *
 * <p>Two limits per client IP, each refusing a connection by closing it at once:
 *
 * <ul>
 *   <li>concurrent: an IP holding {@code connectionsPerIp} connections has its next one refused,
 *       counted in {@code herald.comet.rate.limited{kind=per_ip}};
 *   <li>rate: new connections from one IP take a token from a bucket refilled at {@code
 *       newPerSecond} holding {@code newBurst}; one that finds none is refused, counted in {@code
 *       herald.comet.rate.limited{kind=per_ip_rate}}.
 * </ul>
 *
 * <p>Two global limits come first, each also refusing by closing at once: {@code maxConnections}
 * open connections ({@code herald.comet.rate.limited{kind=max_connections}}) and {@code
 * maxHandshakes} connections not yet authenticated ({@code kind=max_handshakes}; gauged in {@code
 * herald.comet.handshakes.pending}). A refusal by a global limit is logged at WARN at most once per
 * {@value #LOG_EVERY_SECONDS} s with the count since the last line. Connections already open are
 * never touched by any of these limits.
 *
 * <p>An IP's entry goes once it holds no connection and its bucket is full again (swept every
 * {@value #SWEEP_EVERY} connections), so memory follows the open connections and the IPs that
 * connected within the last {@code newBurst / newPerSecond} seconds, not every address ever seen.
 *
 * <p>{@code herald.comet.connections{transport}} gauges the admitted connections per transport
 * (authenticated or not yet).
 */
@Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

  static final int SWEEP_EVERY = 4096;

  static final long LOG_EVERY_SECONDS = 10;

  private final int maxConnections;
  private final int maxHandshakes;
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong handshakes = new AtomicLong();
  private final AtomicLong refusedSinceLog = new AtomicLong();
  private final AtomicLong nextLogNanos;
  private final Counter refusedMax;
  private final Counter refusedHandshakes;

  private final int connectionsPerIp;
  private final int newPerSecond;
  private final int newBurst;
  private final LongSupplier nanoTime;
  private final Map<String, IpState> perIp = new ConcurrentHashMap<>();
  private final AtomicLong admissions = new AtomicLong();
  private final Map<TransportKind, AtomicLong> open = new EnumMap<>(TransportKind.class);
  private final Counter refused;
  private final Counter refusedRate;

  /** The limits of {@code limits}, timed by {@link System#nanoTime()}. */
  public ConnectionLimiter(CometConfig.Limits limits, MeterRegistry meters) {
    this(limits, meters, System::nanoTime);
  }

  /**
   * @param limits {@code connectionsPerIp}, {@code newConnectionsPerIpPerSecond} and {@code
   *     newConnectionsPerIpBurst}
   * @param nanoTime the clock of the rate limit (tests move it)
   */
  public ConnectionLimiter(CometConfig.Limits limits, MeterRegistry meters, LongSupplier nanoTime) {
    this.connectionsPerIp = limits.connectionsPerIp();
    this.newPerSecond = limits.newConnectionsPerIpPerSecond();
    this.newBurst = limits.newConnectionsPerIpBurst();
    this.nanoTime = nanoTime;
    this.maxConnections = limits.maxConnections();
    this.maxHandshakes = limits.maxHandshakes();
    this.nextLogNanos = new AtomicLong(nanoTime.getAsLong());
    Gauge.builder("herald.comet.handshakes.pending", handshakes, AtomicLong::get)
        .description("Connections open and not yet authenticated")
        .register(meters);
    this.refusedMax = TransportMetrics.rateLimited(meters, "max_connections");
    this.refusedHandshakes = TransportMetrics.rateLimited(meters, "max_handshakes");
    for (TransportKind kind : TransportKind.values()) {
      AtomicLong count = new AtomicLong();
      open.put(kind, count);
      Gauge.builder("herald.comet.connections", count, AtomicLong::get)
          .tag("transport", kind.tag())
          .description("Open client connections")
          .register(meters);
    }
    this.refused = TransportMetrics.rateLimited(meters, "per_ip");
    this.refusedRate = TransportMetrics.rateLimited(meters, "per_ip_rate");
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    String ip = ClientAddress.ip(channel);
    long now = nanoTime.getAsLong();
    if (total.incrementAndGet() > maxConnections) {
      total.decrementAndGet();
      refuseGlobal(ctx, refusedMax, "max_connections", maxConnections, now);
      return;
    }
    if (handshakes.incrementAndGet() > maxHandshakes) {
      handshakes.decrementAndGet();
      total.decrementAndGet();
      refuseGlobal(ctx, refusedHandshakes, "max_handshakes", maxHandshakes, now);
      return;
    }
    Admission admission = admit(ip, now);
    if ((admissions.incrementAndGet() & (SWEEP_EVERY - 1)) == 0) {
      sweep(now);
    }
    if (admission != Admission.ADMITTED) {
      handshakes.decrementAndGet();
      total.decrementAndGet();
      boolean rate = admission == Admission.OVER_RATE;
      (rate ? refusedRate : refused).increment();
      log.debug(
          "Refusing {}: {} {}",
          channel,
          ip,
          rate
              ? "opens more than " + newPerSecond + " connections/s"
              : "already holds " + connectionsPerIp + " connections");
      ChannelFuture unused = ctx.close();
      return;
    }
    // Admitted: the close is all that is left to watch. The handler at the end of the pipeline,
    // which sees this channelActive, counts the connection open and gives the slot back when the
    // channel goes inactive: cheaper than a pipeline slot here, or a close listener, for every
    // connection.
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
  }

  private void refuseGlobal(
      ChannelHandlerContext ctx, Counter counter, String limit, int max, long now) {
    counter.increment();
    long since = refusedSinceLog.incrementAndGet();
    long next = nextLogNanos.get();
    if (now - next >= 0
        && nextLogNanos.compareAndSet(next, now + LOG_EVERY_SECONDS * 1_000_000_000L)) {
      refusedSinceLog.addAndGet(-since);
      log.warn(
          "Refused {} connection(s) since the last report: {} ({}) reached; {} open, {}"
              + " handshaking",
          since,
          limit,
          max,
          total.get(),
          handshakes.get());
    }
    ChannelFuture unused = ctx.close();
  }

  /** A handshake this admitted is over (authenticated, refused, or closed before). */
  void handshakeOver() {
    handshakes.decrementAndGet();
  }

  /** Connections admitted and not yet authenticated. */
  public long pendingHandshakes() {
    return handshakes.get();
  }

  /**
   * Drops what a refused connection still delivers: an admitted one has removed this handler, so
   * only a refused one reads through it (the bytes that followed its PROXY header in one packet).
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  /** Counts a channel this admitted (whose channelActive it passed on) open on {@code kind}. */
  void opened(TransportKind kind) {
    open.get(kind).incrementAndGet();
  }

  /** Gives back the slot of a channel this admitted, counted open on {@code kind}. */
  void released(Channel channel, TransportKind kind) {
    total.decrementAndGet();
    release(ClientAddress.ip(channel));
    open.get(kind).decrementAndGet();
  }

  private enum Admission {
    ADMITTED,
    OVER_CONCURRENT,
    OVER_RATE
  }

  private Admission admit(String ip, long now) {
    Admission[] result = new Admission[1];
    perIp.compute(
        ip,
        (key, state) -> {
          IpState current = state != null ? state : new IpState(newPerSecond, newBurst);
          if (current.open >= connectionsPerIp) {
            result[0] = Admission.OVER_CONCURRENT;
          } else if (!current.bucket.tryTake(now)) {
            result[0] = Admission.OVER_RATE;
          } else {
            current.open++;
            result[0] = Admission.ADMITTED;
          }
          return current;
        });
    return result[0];
  }

  private void release(String ip) {
    perIp.computeIfPresent(
        ip,
        (key, state) -> {
          state.open--;
          return state;
        });
  }

  /** Forgets the IPs that hold no connection and could open {@code newBurst} again. */
  void sweep(long now) {
    for (String ip : perIp.keySet()) {
      perIp.computeIfPresent(
          ip, (key, state) -> state.open == 0 && state.bucket.isFull(now) ? null : state);
    }
  }

  /** One client IP: its open connections and its new-connection bucket; guarded by the map. */
  private static final class IpState {
    final TokenBucket bucket;
    int open;

    IpState(int perSecond, int burst) {
      this.bucket = new TokenBucket(perSecond, burst);
    }
  }

  /** Distinct client IPs remembered: with open connections or a recent connection burst. */
  public int clientIps() {
    return perIp.size();
  }

  /** Open connections on {@code kind}. */
  public long openConnections(TransportKind kind) {
    return open.get(kind).get();
  }
}
