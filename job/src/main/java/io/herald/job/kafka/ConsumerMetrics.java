package io.herald.job.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the Kafka consumer counts: {@code herald.job.consumer.lag} (records in the assigned
 * partitions not yet read), {@code herald.job.consumer.inflight} (read, delivery not ended), {@code
 * herald.job.consumer.partitions{state=assigned|paused}}, {@code herald.job.commits{result=ok|
 * failed}}, {@code herald.job.records.abandoned} (records whose partition was revoked or lost
 * before their delivery ended; the partition's next owner delivers them again), {@code
 * herald.job.consumer.failures{reason=fenced|error}} (the consumer stopped for good: another Job
 * took its instance id, or an error) and unreadable records as {@code
 * herald.job.records.consumed{type=invalid}}.
 */
final class ConsumerMetrics {
  final AtomicLong lag = new AtomicLong();
  final AtomicLong inFlight = new AtomicLong();
  final AtomicLong assigned = new AtomicLong();
  final AtomicLong paused = new AtomicLong();
  final Counter commitsOk;
  final Counter commitsFailed;
  final Counter abandoned;
  final Counter invalid;
  final Counter fenced;
  final Counter failed;

  ConsumerMetrics(MeterRegistry meters) {
    Gauge.builder("herald.job.consumer.lag", lag, AtomicLong::get)
        .description("Records in the assigned partitions not yet read (consumer lag)")
        .register(meters);
    Gauge.builder("herald.job.consumer.inflight", inFlight, AtomicLong::get)
        .description("Records read whose delivery has not ended")
        .register(meters);
    Gauge.builder("herald.job.consumer.partitions", assigned, AtomicLong::get)
        .description("Partitions of the push topic, by state")
        .tag("state", "assigned")
        .register(meters);
    Gauge.builder("herald.job.consumer.partitions", paused, AtomicLong::get)
        .description("Partitions of the push topic, by state")
        .tag("state", "paused")
        .register(meters);
    commitsOk = commits(meters, "ok");
    commitsFailed = commits(meters, "failed");
    abandoned =
        Counter.builder("herald.job.records.abandoned")
            .description("Records given up to another consumer before their delivery ended")
            .register(meters);
    invalid =
        Counter.builder("herald.job.records.consumed")
            .description("Push records taken from the queue, by type")
            .tag("type", "invalid")
            .register(meters);
    fenced = failures(meters, "fenced");
    failed = failures(meters, "error");
  }

  private static Counter failures(MeterRegistry meters, String reason) {
    return Counter.builder("herald.job.consumer.failures")
        .description("Times the consumer stopped for good, by reason")
        .tag("reason", reason)
        .register(meters);
  }

  private static Counter commits(MeterRegistry meters, String result) {
    return Counter.builder("herald.job.commits")
        .description("Offset commits, by result")
        .tag("result", result)
        .register(meters);
  }
}
