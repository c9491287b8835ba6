package io.herald.job.config;

import io.herald.config.Check;
import io.herald.config.Durations;
import io.herald.ops.tls.InternalTls;
import java.time.Duration;

/**
 * How Job calls the Comets.
 *
 * @param callTimeout the deadline of one Comet call (default 5 s); a call past it is retried
 * @param initialBackoff the wait before the first retry of a failed call (default 100 ms); it
 *     doubles on each further failure
 * @param maxBackoff the longest wait between retries (default 5 s)
 * @param giveUpAfter how long a registered Comet may keep failing one call before Job gives up on
 *     it, counts it and moves on (default 5 min): the bound that keeps one broken Comet from
 *     holding its partitions forever
 * @param unknownCometGrace how long a record for a Comet Job has not seen in the registry waits,
 *     from Logic's accept time, for the registry to show it (default 5 s: a Comet that just started
 *     may be seen by Logic before Job's next registry refresh); after it the Comet counts as gone
 * @param maxKeysPerCall the most keys one PushMsg call names (default 1000, the Comet's limit)
 * @param maxPushesPerCall the most unicast pushes queued for one Comet that go in one PushMsgs call
 *     (default 100; 1-1000, the Comet's limit; 1 sends one PushMsg per push, as before)
 * @param cometTls mutual TLS to the Comets' gRPC ports (off: plaintext); with Comets reached by pod
 *     IP, set {@code serverName} to the name every Comet's certificate carries
 */
public record DeliveryConfig(
    Duration callTimeout,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration giveUpAfter,
    Duration unknownCometGrace,
    int maxKeysPerCall,
    int maxPushesPerCall,
    InternalTls cometTls) {

  public static DeliveryConfig defaults() {
    return new DeliveryConfig(
        Duration.ofSeconds(5),
        Duration.ofMillis(100),
        Duration.ofSeconds(5),
        Duration.ofMinutes(5),
        Duration.ofSeconds(5),
        1000,
        100,
        InternalTls.OFF);
  }

  /** Plaintext to the Comets. */
  public DeliveryConfig(
      Duration callTimeout,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration giveUpAfter,
      Duration unknownCometGrace,
      int maxKeysPerCall,
      int maxPushesPerCall) {
    this(
        callTimeout,
        initialBackoff,
        maxBackoff,
        giveUpAfter,
        unknownCometGrace,
        maxKeysPerCall,
        maxPushesPerCall,
        InternalTls.OFF);
  }

  public DeliveryConfig {
    Check.positive("callTimeout", callTimeout);
    Check.positive("initialBackoff", initialBackoff);
    Check.positive("maxBackoff", maxBackoff);
    Check.state(
        maxBackoff.compareTo(initialBackoff) >= 0,
        "maxBackoff",
        Durations.format(maxBackoff),
        ">= initialBackoff " + Durations.format(initialBackoff));
    Check.positive("giveUpAfter", giveUpAfter);
    Check.notNull("unknownCometGrace", unknownCometGrace);
    Check.state(
        !unknownCometGrace.isNegative(),
        "unknownCometGrace",
        Durations.format(unknownCometGrace),
        ">= 0");
    Check.inRange("maxKeysPerCall", maxKeysPerCall, 1, 1000);
    cometTls = cometTls == null ? InternalTls.OFF : cometTls;
    Check.inRange("maxPushesPerCall", maxPushesPerCall, 1, 1000);
  }
}
