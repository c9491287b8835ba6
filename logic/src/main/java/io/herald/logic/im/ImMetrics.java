package io.herald.logic.im;

import io.herald.wire.chat.ChatStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The IM layer's meters, all {@code herald.logic.im.*} with bounded tags:
 *
 * <ul>
 *   <li>{@code sends{result}}: sends answered, by {@code ok}, {@code duplicate} or the refusing
 *       status ({@code bad_request}, {@code not_member}, {@code too_large}, {@code rate_limited},
 *       {@code refused}, {@code not_found}, {@code unavailable}, {@code limit_exceeded});
 *   <li>{@code send.latency{result}}: from the request to its answer, fan-out included;
 *   <li>{@code fanout{mode}}: messages fanned out, {@code write} (inboxes), {@code read} (a room
 *       notice) or {@code skipped} (a duplicate already fanned out by this process); {@code
 *       fanout.failures{mode}}: fan-outs that failed (write: the send answered UNAVAILABLE; read:
 *       the notice was lost, the message is stored);
 *   <li>{@code requests{op, status}}: every chat request and backend call, by operation ({@code
 *       send}, {@code list}, {@code history}, {@code read}, {@code create_group}, {@code
 *       add_members}, {@code remove_members}, {@code get_group}) and status ({@code ok} or the
 *       status);
 *   <li>{@code malformed{op}}: chat request bodies that could not be decoded;
 *   <li>{@code store.errors{operation}}: database calls that failed (the same operations);
 *   <li>{@code policy{answer}}: policy webhook calls, {@code allowed}, {@code refused} or {@code
 *       unavailable} (cached answers are not calls).
 * </ul>
 */
final class ImMetrics {
  private final MeterRegistry meters;

  ImMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  static String tag(ChatStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  void send(String result, long nanos) {
    meters.counter("herald.logic.im.sends", "result", result).increment();
    Timer.builder("herald.logic.im.send.latency")
        .description("From a send's request to its answer, fan-out included")
        .tag("result", result)
        .register(meters)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void request(String op, String status) {
    meters.counter("herald.logic.im.requests", "op", op, "status", status).increment();
  }

  void malformed(String op) {
    meters.counter("herald.logic.im.malformed", "op", op).increment();
  }

  void fanout(String mode) {
    meters.counter("herald.logic.im.fanout", "mode", mode).increment();
  }

  void fanoutFailed(String mode) {
    meters.counter("herald.logic.im.fanout.failures", "mode", mode).increment();
  }

  void storeError(String operation) {
    Counter.builder("herald.logic.im.store.errors")
        .description("IM database calls that failed")
        .tag("operation", operation)
        .register(meters)
        .increment();
  }

  void policy(PolicyCheck.Answer answer) {
    String tag =
        answer instanceof PolicyCheck.Answer.Allowed
            ? "allowed"
            : answer instanceof PolicyCheck.Answer.Refused ? "refused" : "unavailable";
    meters.counter("herald.logic.im.policy", "answer", tag).increment();
  }
}
