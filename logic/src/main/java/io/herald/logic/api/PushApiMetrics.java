package io.herald.logic.api;

import io.herald.logic.Failures;
import io.herald.logic.overload.OverloadedException;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The push API's meters, shared by HTTP and gRPC: {@code herald.logic.pushes{target, result}},
 * {@code herald.logic.online.queries{query, result}} and {@code
 * herald.logic.inbox.requests{result}}. Targets are {@code keys|mids|room|all}, queries {@code
 * top|room|total}, results {@code
 * ok|bad_request|unauthorized|forbidden|rate_limited|overloaded|error}; never a key, mid or room
 * id.
 */
final class PushApiMetrics {
  static final String OK = "ok";
  static final String BAD_REQUEST = "bad_request";
  static final String UNAUTHORIZED = "unauthorized";
  static final String ERROR = "error";
  static final String OVERLOADED = "overloaded";
  static final String FORBIDDEN = "forbidden";
  static final String RATE_LIMITED = "rate_limited";

  /** The result tag of a request the bearer-token check refused. */
  static String refused(BearerTokens.Verdict verdict) {
    return switch (verdict.outcome()) {
      case FORBIDDEN -> FORBIDDEN;
      case RATE_LIMITED -> RATE_LIMITED;
      default -> UNAUTHORIZED;
    };
  }

  private final MeterRegistry meters;

  PushApiMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void push(String target, String result) {
    meters.counter("herald.logic.pushes", "target", target, "result", result).increment();
  }

  void push(String target, Throwable failure) {
    push(target, result(failure));
  }

  /** {@code herald.logic.inbox.requests{result}}: backends' inbox reads (ReadInbox, GET). */
  void inboxRead(String result) {
    meters.counter("herald.logic.inbox.requests", "result", result).increment();
  }

  void inboxRead(Throwable failure) {
    inboxRead(result(failure));
  }

  void query(String query, String result) {
    meters.counter("herald.logic.online.queries", "query", query, "result", result).increment();
  }

  void query(String query, Throwable failure) {
    query(query, result(failure));
  }

  /**
   * {@code ok} for no failure, {@code bad_request} for a refused request (a body over the limit
   * included), else {@code error}.
   */
  static String result(Throwable failure) {
    if (failure == null) {
      return OK;
    }
    Throwable cause = Failures.cause(failure);
    if (cause instanceof OverloadedException) {
      return OVERLOADED;
    }
    return cause instanceof IllegalArgumentException || GoimHttpErrors.find(cause) != null
        ? BAD_REQUEST
        : ERROR;
  }
}
