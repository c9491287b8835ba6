package io.herald.comet.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import java.util.Locale;

/**
 * What the connections of one PROXY listener share: the header timeout and the counters of {@code
 * herald.comet.proxy.headers{transport,result}}, one per {@link Result}. One per listener with the
 * PROXY protocol on; a listener without it has none, and its connections pay nothing.
 */
public final class ProxyHeaders {
  static final String DECODER = "proxy-decoder";
  static final String HANDLER = "proxy";

  /** What became of a connection's PROXY header; the metric's {@code result} tag. */
  enum Result {
    /** A PROXY command with an IPv4 or IPv6 source: that address is the client's. */
    PROXIED,
    /** A LOCAL command (the balancer's own connection, e.g. a health check): the socket's. */
    LOCAL,
    /** A PROXY command for another family (UNKNOWN, a UNIX socket): the socket's address. */
    UNKNOWN,
    /** The connection did not begin with a PROXY signature: closed. */
    MISSING,
    /** A PROXY signature, then no valid header: closed. */
    MALFORMED,
    /** No complete header within the timeout: closed. */
    TIMEOUT;

    final String tag = name().toLowerCase(Locale.ROOT);
  }

  private final long timeoutNanos;
  private final Counter[] results = new Counter[Result.values().length];

  /**
   * @param timeout how long a connection has to send its header
   * @param meters where the counters go
   * @param transport the listener's transport tag ({@code tcp}, {@code ws}, ...)
   */
  public ProxyHeaders(Duration timeout, MeterRegistry meters, String transport) {
    this.timeoutNanos = timeout.toNanos();
    for (Result result : Result.values()) {
      results[result.ordinal()] =
          Counter.builder("herald.comet.proxy.headers")
              .tag("transport", transport)
              .tag("result", result.tag)
              .description("PROXY protocol headers on the listeners that expect one, by outcome")
              .register(meters);
    }
  }

  /** Adds the PROXY header's handlers to the head of a new connection's {@code pipeline}. */
  public void addTo(ChannelPipeline pipeline) {
    pipeline
        .addLast(DECODER, new ProxyHeaderDecoder())
        .addLast(HANDLER, new ProxyHeaderHandler(this));
  }

  long timeoutNanos() {
    return timeoutNanos;
  }

  void count(Result result) {
    results[result.ordinal()].increment();
  }
}
