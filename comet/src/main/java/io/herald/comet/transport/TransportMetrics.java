package io.herald.comet.transport;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.ProtocolError;
import io.herald.wire.codec.WebSocketFraming;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transport's counters, registered once per initializer (Micrometer hands both initializers of
 * a server the same meters). Every tag value is one of a fixed set; none is a user id, key or room.
 *
 * <ul>
 *   <li>{@code herald.comet.handshakes{result}}: {@code ok}, {@code rejected} (Logic refused),
 *       {@code error} (Logic unreachable), {@code not_auth} (another op first), {@code timeout};
 *   <li>{@code herald.comet.frames{direction}} and {@code herald.comet.bytes{direction}}: frames
 *       and their encoded bytes, {@code in} (after op-9 batches are split) and {@code out};
 *   <li>{@code herald.comet.heartbeat.timeouts}: connections closed for silence;
 *   <li>{@code herald.comet.protocol.errors{reason}}: a {@code ProtocolError} tag, or {@code tls},
 *       {@code bad_websocket};
 *   <li>{@code herald.comet.rate.limited{kind}}: {@code upstream} (frame rate), {@code per_ip};
 *   <li>{@code herald.comet.upstream{result}}: messages handed to Logic ({@code ok}, {@code
 *       error});
 *   <li>{@code herald.comet.chat.replies{from}}: answers to chat requests (ops 28, 30, 32, 34):
 *       {@code logic} (Logic's reply passed on), {@code comet} (Logic failed or did not serve it:
 *       the Comet answered UNAVAILABLE);
 *   <li>{@code herald.comet.requests.invalid{reason}}: requests answered with nothing and ignored:
 *       {@code unknown_op}, {@code bad_room_id}, {@code bad_op_list}, {@code room_limit}, {@code
 *       pending_overflow}, {@code malformed_ack}, {@code malformed_sync}, {@code sync_in_flight};
 *   <li>{@code herald.comet.syncs{result}}: op-19 SYNCs answered: {@code ok}, {@code reset}, {@code
 *       error} (Logic failed: an empty op-20 body).
 * </ul>
 *
 * <p>The handshake results and protocol error reasons are registered at 0 up front, so a dashboard
 * or an alert sees every series (and a rate of 0) before the first failure.
 */
final class TransportMetrics {
  /** Every {@code result} of {@code herald.comet.handshakes}. */
  static final List<String> HANDSHAKE_RESULTS =
      List.of("ok", "rejected", "error", "not_auth", "timeout");

  /**
   * The {@code reason}s of {@code herald.comet.protocol.errors} besides {@link ProtocolError}'s.
   */
  static final List<String> TRANSPORT_ERRORS = List.of("bad_websocket", "tls");

  final Counter framesIn;
  final Counter framesOut;
  final Counter bytesIn;
  final Counter bytesOut;
  final Counter heartbeatTimeouts;
  final Counter rateLimitedUpstream;
  final Counter upstreamOk;
  final Counter upstreamError;
  final Counter superseded;
  final Counter chatReplied;
  final Counter chatUnavailable;
  private final MeterRegistry meters;
  private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();
  private final Map<String, Counter> protocolErrors = new ConcurrentHashMap<>();
  private final Map<String, Counter> invalidRequests = new ConcurrentHashMap<>();
  private final Map<String, Counter> syncs = new ConcurrentHashMap<>();

  TransportMetrics(MeterRegistry meters) {
    this.meters = meters;
    framesIn = counter("herald.comet.frames", "direction", "in", "Frames from clients");
    framesOut = counter("herald.comet.frames", "direction", "out", "Frames to clients");
    bytesIn = counter("herald.comet.bytes", "direction", "in", "Frame bytes from clients");
    bytesOut = counter("herald.comet.bytes", "direction", "out", "Frame bytes to clients");
    heartbeatTimeouts =
        Counter.builder("herald.comet.heartbeat.timeouts")
            .description("Connections closed because nothing arrived before their deadline")
            .register(meters);
    rateLimitedUpstream = rateLimited(meters, "upstream");
    upstreamOk = counter("herald.comet.upstream", "result", "ok", "Upstream messages to Logic");
    upstreamError =
        counter("herald.comet.upstream", "result", "error", "Upstream messages to Logic");
    chatReplied = counter("herald.comet.chat.replies", "from", "logic", "Chat request replies");
    chatUnavailable = counter("herald.comet.chat.replies", "from", "comet", "Chat request replies");
    superseded =
        Counter.builder("herald.comet.sessions.superseded")
            .description("Connections closed because their device's session went to a newer one")
            .register(meters);
    HANDSHAKE_RESULTS.forEach(this::handshakeCounter);
    for (ProtocolError error : ProtocolError.values()) {
      protocolErrorCounter(error.tag());
    }
    TRANSPORT_ERRORS.forEach(this::protocolErrorCounter);
  }

  /**
   * {@code herald.comet.rate.limited{kind}}; {@link ConnectionLimiter} registers {@code per_ip}.
   */
  static Counter rateLimited(MeterRegistry meters, String kind) {
    return Counter.builder("herald.comet.rate.limited")
        .tag("kind", kind)
        .description("Connections closed or refused by a rate limit")
        .register(meters);
  }

  /** Counts a frame from a client (each frame of an op-9 batch separately). */
  void frameIn(Frame frame) {
    framesIn.increment();
    bytesIn.increment(FrameCodec.encodedLength(frame));
  }

  /**
   * Counts a frame, or a buffer of pre-encoded frames (a push; an op-9 batch counts once), written
   * to a client. Other messages (WebSocket control frames) are not frames.
   */
  void frameOut(Object msg, boolean webSocket) {
    if (msg instanceof Frame frame) {
      framesOut.increment();
      bytesOut.increment(FrameCodec.encodedLength(frame));
    } else if (msg instanceof ByteBuf buf) {
      // On WebSocket a buffer is a whole message already: its header is not Herald's bytes.
      framesOut.increment();
      int header = webSocket ? WebSocketFraming.headerLengthOf(buf) : 0;
      bytesOut.increment(buf.readableBytes() - header);
    }
  }

  void handshake(String result) {
    handshakeCounter(result).increment();
  }

  void protocolError(String reason) {
    protocolErrorCounter(reason).increment();
  }

  private Counter handshakeCounter(String result) {
    return handshakes.computeIfAbsent(
        result, r -> counter("herald.comet.handshakes", "result", r, "AUTH handshakes"));
  }

  private Counter protocolErrorCounter(String reason) {
    return protocolErrors.computeIfAbsent(
        reason,
        r ->
            counter(
                "herald.comet.protocol.errors",
                "reason",
                r,
                "Connections closed for breaking the protocol"));
  }

  /**
   * {@code herald.comet.syncs{result}}: SYNCs answered ({@code ok}, {@code reset}, {@code error}).
   */
  void sync(String result) {
    syncs
        .computeIfAbsent(
            result, r -> counter("herald.comet.syncs", "result", r, "SYNC requests answered"))
        .increment();
  }

  void invalidRequest(String reason) {
    invalidRequests
        .computeIfAbsent(
            reason,
            r ->
                counter(
                    "herald.comet.requests.invalid",
                    "reason",
                    r,
                    "Client requests ignored (unknown op, bad room id, ...)"))
        .increment();
  }

  private Counter counter(String name, String tag, String value, String description) {
    return Counter.builder(name).tag(tag, value).description(description).register(meters);
  }
}
