package io.herald.balancer;

import io.herald.config.Check;
import io.herald.proto.common.v1.Backoff;
import java.time.Duration;

/**
 * The reconnect backoff clients are told to use while walking the node list: delay(n) =
 * min(maxDelay, baseDelay * factor^n), randomized by +/- jitter * delay, n counting consecutive
 * failed rounds from 0.
 */
public record ClientBackoff(Duration baseDelay, double factor, double jitter, Duration maxDelay) {

  public static final ClientBackoff DEFAULT =
      new ClientBackoff(Duration.ofSeconds(3), 1.6, 0.2, Duration.ofMinutes(2));

  public ClientBackoff {
    Check.positive("baseDelay", baseDelay);
    Check.inRange("factor", factor, 1.0, 10.0);
    Check.inRange("jitter", jitter, 0.0, 1.0);
    Check.positive("maxDelay", maxDelay);
    Check.state(maxDelay.compareTo(baseDelay) >= 0, "maxDelay", maxDelay, ">= baseDelay");
  }

  public Backoff toProto() {
    return Backoff.newBuilder()
        .setBaseDelayMs(baseDelay.toMillis())
        .setFactor(factor)
        .setJitter(jitter)
        .setMaxDelayMs(maxDelay.toMillis())
        .build();
  }
}
