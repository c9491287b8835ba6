package io.herald.logic.admin;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The console's meter: {@code herald.logic.admin.requests{endpoint, result}}, endpoints {@code
 * comets|online|push|drain|unknown}, results {@code ok|bad_request|unauthorized|not_found|
 * unavailable|error}; never a token, key, mid, room or server id.
 */
final class AdminMetrics {
  static final String OK = "ok";
  static final String BAD_REQUEST = "bad_request";
  static final String UNAUTHORIZED = "unauthorized";
  static final String NOT_FOUND = "not_found";
  static final String UNAVAILABLE = "unavailable";
  static final String ERROR = "error";

  private final MeterRegistry meters;

  AdminMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void request(String endpoint, String result) {
    meters
        .counter("herald.logic.admin.requests", "endpoint", endpoint, "result", result)
        .increment();
  }
}
