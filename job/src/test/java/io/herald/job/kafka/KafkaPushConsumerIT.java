package io.herald.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.job.config.KafkaConfig;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The consumer on a real broker, with deliveries the test completes by hand: what is committed,
 * what a successor reads again, and how far a partition runs ahead of its deliveries.
 */
@RealKafka
class KafkaPushConsumerIT {

  private static KafkaConfig config(
      KafkaBroker kafka, String topic, String group, int maxInFlight) {
    return config(kafka, topic, group, maxInFlight, Duration.ofMillis(100));
  }

  private static KafkaConfig config(
      KafkaBroker kafka, String topic, String group, int maxInFlight, Duration commitInterval) {
    return new KafkaConfig(
        kafka.bootstrapServers(),
        topic,
        group,
        "",
        "",
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        5,
        maxInFlight,
        commitInterval,
        Duration.ofSeconds(2),
        "earliest",
        Map.of());
  }

  /** A static member {@code instanceId}, committing often. */
  private static KafkaConfig member(
      KafkaBroker kafka, String topic, String group, String instanceId, Duration sessionTimeout) {
    return new KafkaConfig(
        kafka.bootstrapServers(),
        topic,
        group,
        instanceId,
        "",
        sessionTimeout,
        Duration.ofSeconds(1),
        5,
        100,
        Duration.ofMillis(100),
        Duration.ofSeconds(2),
        "earliest",
        Map.of());
  }

  private static void publish(KafkaBroker kafka, String topic, int count) {
    publish(kafka, topic, 0, count);
  }

  private static void publish(KafkaBroker kafka, String topic, int from, int count) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      for (int i = from; i < from + count; i++) {
        PushMsg msg =
            PushMsg.newBuilder()
                .setType(PushType.PUSH_TYPE_ROOM)
                .setRoom("live://1")
                .setOp(1000)
                .setMessageId(i)
                .build();
        var unused =
            producer.send(
                new ProducerRecord<>(
                    topic, "live://1".getBytes(StandardCharsets.UTF_8), msg.toByteArray()));
      }
      producer.flush();
    }
  }

  /** Deliveries that end at once. */
  private static final class Deliveries {
    final List<Long> seen = new CopyOnWriteArrayList<>();

    CompletableFuture<Void> deliver(PushMsg msg) {
      seen.add(msg.getMessageId());
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Deliveries the test ends by message id. */
  private static final class HeldDeliveries {
    final Map<Long, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
    final List<Long> seen = new CopyOnWriteArrayList<>();

    CompletableFuture<Void> deliver(PushMsg msg) {
      seen.add(msg.getMessageId());
      CompletableFuture<Void> delivery = new CompletableFuture<>();
      held.put(msg.getMessageId(), delivery);
      return delivery;
    }

    void complete(long... ids) {
      for (long id : ids) {
        held.get(id).complete(null);
      }
    }
  }

  @Test
  void aSuccessorReadsAgainFromTheFirstRecordWhoseDeliveryHadNotEnded(KafkaBroker kafka) {
    String topic = kafka.newTopic(1);
    String group = kafka.newGroupId();
    publish(kafka, topic, 10);
    HeldDeliveries first = new HeldDeliveries();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaPushConsumer consumer =
        new KafkaPushConsumer(
            config(kafka, topic, group, 100), first::deliver, Clock.systemUTC(), meters);
    consumer.start();
    await().until(() -> first.seen.size() == 10);

    // Deliveries end out of order; 5 is still running when the consumer goes.
    first.complete(0, 1, 2, 3, 4, 6, 7, 9);
    await().until(() -> meters.get("herald.job.commits").tag("result", "ok").counter().count() > 0);
    consumer.stop(Duration.ZERO);
    assertThat(first.held.get(5L)).as("abandoned when its partition went").isCancelled();

    HeldDeliveries second = new HeldDeliveries();
    KafkaPushConsumer successor =
        new KafkaPushConsumer(
            config(kafka, topic, group, 100),
            second::deliver,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    successor.start();
    try {
      await().until(() -> second.seen.size() == 5);
      assertThat(second.seen)
          .as("from 5 on, the completed 6, 7 and 9 again: at least once, nothing skipped")
          .containsExactly(5L, 6L, 7L, 8L, 9L);
    } finally {
      second.held.values().forEach(d -> d.complete(null));
      successor.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aGracefulStopWaitsForDeliveriesAndCommitsThem(KafkaBroker kafka) {
    String topic = kafka.newTopic(1);
    String group = kafka.newGroupId();
    publish(kafka, topic, 20);
    HeldDeliveries first = new HeldDeliveries();
    // No periodic commit within the test: only the stop commits.
    KafkaPushConsumer consumer =
        new KafkaPushConsumer(
            config(kafka, topic, group, 100, Duration.ofHours(1)),
            first::deliver,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    consumer.start();
    await().until(() -> first.seen.size() == 20);
    first.complete(LongStream.range(0, 19).toArray());
    // The last delivery ends only once the stop has begun: the stop waits for it, then commits.
    Thread finisher =
        new Thread(
            () -> {
              await().until(() -> !consumer.running());
              first.complete(19);
            });
    finisher.start();
    consumer.stop(Duration.ofSeconds(10));
    publish(kafka, topic, 20, 1);

    HeldDeliveries second = new HeldDeliveries();
    KafkaPushConsumer successor =
        new KafkaPushConsumer(
            config(kafka, topic, group, 100),
            second::deliver,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    successor.start();
    try {
      await().until(() -> !second.seen.isEmpty());
      assertThat(second.seen)
          .as("everything before was committed at the stop")
          .containsExactly(20L);
    } finally {
      second.held.values().forEach(d -> d.complete(null));
      successor.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aStaticMemberThatStopsLeavesTheGroupSoAnotherTakesOverWithoutWaitingForItsSession(
      KafkaBroker kafka) {
    String topic = kafka.newTopic(1);
    String group = kafka.newGroupId();
    // A session far longer than the test waits: only a leave lets the standby take over in time.
    Duration session = Duration.ofSeconds(60);
    Deliveries first = new Deliveries();
    KafkaPushConsumer owner =
        new KafkaPushConsumer(
            member(kafka, topic, group, "owner", session),
            first::deliver,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    owner.start();
    await().until(() -> owner.partitions() == 1);
    Deliveries second = new Deliveries();
    KafkaPushConsumer standby =
        new KafkaPushConsumer(
            member(kafka, topic, group, "standby", session),
            second::deliver,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    standby.start();
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> standby.state() == ConsumerState.CONSUMING);
      assertThat(standby.partitions()).as("a standby: no partition, and consuming").isZero();
      publish(kafka, topic, 3);
      await().until(() -> first.seen.size() == 3);

      owner.stop(Duration.ofSeconds(5));
      assertThat(owner.state()).isEqualTo(ConsumerState.STOPPED);
      publish(kafka, topic, 3, 2);

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(second.seen).containsExactly(3L, 4L));
      assertThat(standby.partitions()).isEqualTo(1);
    } finally {
      standby.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aSecondConsumerWithTheSameInstanceIdFencesTheFirstWhichStopsForGood(KafkaBroker kafka) {
    String topic = kafka.newTopic(1);
    String group = kafka.newGroupId();
    Duration session = Duration.ofSeconds(10);
    Deliveries first = new Deliveries();
    SimpleMeterRegistry firstMeters = new SimpleMeterRegistry();
    KafkaPushConsumer older =
        new KafkaPushConsumer(
            member(kafka, topic, group, "same-id", session),
            first::deliver,
            Clock.systemUTC(),
            firstMeters);
    older.start();
    Deliveries second = new Deliveries();
    KafkaPushConsumer newer =
        new KafkaPushConsumer(
            member(kafka, topic, group, "same-id", session),
            second::deliver,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> older.partitions() == 1);
      publish(kafka, topic, 2);
      await().until(() -> first.seen.size() == 2);

      newer.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> older.state() == ConsumerState.FENCED);
      assertThat(older.live()).as("restarting it would only fence the other").isTrue();
      assertThat(older.partitions()).isZero();
      assertThat(
              firstMeters
                  .get("herald.job.consumer.failures")
                  .tag("reason", "fenced")
                  .counter()
                  .count())
          .isEqualTo(1);
      publish(kafka, topic, 2, 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(second.seen).contains(2L));
      assertThat(newer.state()).isEqualTo(ConsumerState.CONSUMING);
      assertThat(first.seen).as("the fenced consumer reads nothing more").containsExactly(0L, 1L);
    } finally {
      older.stop(Duration.ZERO);
      newer.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aPartitionPausesAtItsInFlightBoundAndResumesAsDeliveriesEnd(KafkaBroker kafka) {
    String topic = kafka.newTopic(1);
    publish(kafka, topic, 60);
    HeldDeliveries deliveries = new HeldDeliveries();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaPushConsumer consumer =
        new KafkaPushConsumer(
            config(kafka, topic, kafka.newGroupId(), 10),
            deliveries::deliver,
            Clock.systemUTC(),
            meters);
    consumer.start();
    try {
      await()
          .until(
              () ->
                  meters
                          .get("herald.job.consumer.partitions")
                          .tag("state", "paused")
                          .gauge()
                          .value()
                      == 1);
      // At most the bound plus one poll (5) are ever held.
      assertThat(deliveries.seen.size()).isBetween(10, 15);
      assertThat(meters.get("herald.job.consumer.inflight").gauge().value()).isBetween(10.0, 15.0);

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                deliveries.held.values().forEach(d -> d.complete(null));
                return deliveries.seen.size() == 60;
              });
      assertThat(deliveries.seen)
          .containsExactlyElementsOf(LongStream.range(0, 60).boxed().toList());
      assertThat(deliveries.seen.size()).isEqualTo(60);
    } finally {
      deliveries.held.values().forEach(d -> d.complete(null));
      consumer.stop(Duration.ofSeconds(1));
    }
  }
}
