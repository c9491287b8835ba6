package io.herald.balancer;

import io.herald.config.Check;
import io.herald.proto.common.v1.HeartbeatPolicy;
import java.time.Duration;

/**
 * The heartbeat clients are told to use: an interval they adapt within [min, max] in steps (the
 * seed's adaptive heartbeat), and how many may go unanswered before a peer is considered gone.
 *
 * @param interval the interval for a client that declares none (goim's 4 minutes)
 * @param minInterval lower bound of the adaptive interval
 * @param maxInterval upper bound of the adaptive interval
 * @param step adaptive step: + after a successful probe interval, - after a failure
 * @param maxMissed consecutive unanswered heartbeats tolerated (goim's {@code heartbeat_max})
 */
public record ClientHeartbeat(
    Duration interval, Duration minInterval, Duration maxInterval, Duration step, int maxMissed) {

  public static final ClientHeartbeat DEFAULT =
      new ClientHeartbeat(
          Duration.ofMinutes(4),
          Duration.ofSeconds(60),
          Duration.ofSeconds(300),
          Duration.ofSeconds(30),
          2);

  public ClientHeartbeat {
    Check.positive("minInterval", minInterval);
    Check.positive("step", step);
    Check.state(
        maxInterval != null && maxInterval.compareTo(minInterval) >= 0,
        "maxInterval",
        maxInterval,
        ">= minInterval " + minInterval);
    Check.state(
        interval != null
            && interval.compareTo(minInterval) >= 0
            && interval.compareTo(maxInterval) <= 0,
        "interval",
        interval,
        "within [minInterval, maxInterval]");
    Check.inRange("maxMissed", maxMissed, 1, 100);
  }

  public HeartbeatPolicy toProto() {
    return HeartbeatPolicy.newBuilder()
        .setIntervalMs(interval.toMillis())
        .setMinIntervalMs(minInterval.toMillis())
        .setMaxIntervalMs(maxInterval.toMillis())
        .setStepMs(step.toMillis())
        .setMaxMissed(maxMissed)
        .build();
  }
}
