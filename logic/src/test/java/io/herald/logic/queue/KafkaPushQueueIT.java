package io.herald.logic.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.herald.logic.ids.SnowflakeMessageIds;
import io.herald.logic.push.PushConfig;
import io.herald.logic.push.PushResult;
import io.herald.logic.push.PushService;
import io.herald.logic.push.PushUnavailableException;
import io.herald.logic.session.SessionStore;
import io.herald.logic.support.TestKafka;
import io.herald.logic.support.TestSessions;
import io.herald.logic.support.TopicReader;
import io.herald.proto.queue.v1.PushType;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pushes through a real Kafka broker, read back from the topic as Job reads them. */
@RealKafka
class KafkaPushQueueIT {
  private static final ByteString BODY = ByteString.copyFromUtf8("{\"text\":\"hi\"}");

  private final SessionStore sessions = TestSessions.memory();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private KafkaPushQueue queue;
  private PushService pushes;
  private TopicReader topic;

  @BeforeEach
  void start(KafkaBroker kafka) {
    String name = kafka.newTopic(4);
    queue = new KafkaPushQueue(TestKafka.producer(kafka.bootstrapServers(), name), meters);
    queue.start();
    queue.start(); // idempotent
    pushes = service(queue);
    topic = new TopicReader(kafka, name);
    TestSessions.put(sessions, 42, "phone-42", "comet-east-1");
    TestSessions.put(sessions, 42, "web-42", "comet-west-1");
    TestSessions.put(sessions, 7, "phone-7", "comet-east-1");
  }

  @AfterEach
  void stop() {
    topic.close();
    queue.stop();
    queue.stop(); // idempotent
  }

  @Test
  void aRecordCarriesItsPushsTraceContextInItsHeadersAndNoneWithout() {
    pushes.pushMids(1000, List.of(7L), BODY).join();
    assertThat(topic.takeOne().headers()).as("a push without trace context").isEmpty();

    // Tracing off (no SDK): the caller's context goes out as it came in.
    SpanContext caller =
        SpanContext.createFromRemoteParent(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    try (Scope traced = Context.root().with(Span.wrap(caller)).makeCurrent()) {
      pushes.pushMids(1000, List.of(7L), BODY).join();
    }
    assertThat(topic.takeOne().headers())
        .containsExactly(
            Map.entry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  }

  @Test
  void aUserWithTwoDevicesOnTwoServersGetsOneRecordPerServer() {
    PushResult result = pushes.pushMids(1000, List.of(42L), BODY).join();

    List<TopicReader.Read> records = topic.take(2);
    assertThat(records)
        .extracting(TopicReader.Read::key)
        .containsExactlyInAnyOrder("comet-east-1", "comet-west-1");
    assertThat(records)
        .allSatisfy(
            read -> {
              assertThat(read.msg().getType()).isEqualTo(PushType.PUSH_TYPE_MIDS);
              assertThat(read.msg().getServerId()).isEqualTo(read.key());
              assertThat(read.msg().getOp()).isEqualTo(1000);
              assertThat(read.msg().getBody()).isEqualTo(BODY);
              assertThat(read.msg().getMidsList()).containsExactly(42L);
              assertThat(read.msg().getMessageId()).isEqualTo(result.messageId());
              assertThat(read.msg().getAcceptUnixMs()).isPositive();
              assertThat(read.msg().getKeysList())
                  .containsExactly(read.key().equals("comet-east-1") ? "phone-42" : "web-42");
            });
    assertThat(meters.get("herald.logic.kafka.latency").tag("result", "ok").timer().count())
        .isEqualTo(2);
  }

  @Test
  void keysAreGroupedPerServer() {
    PushResult result =
        pushes.pushKeys(1001, List.of("phone-42", "phone-7", "web-42", "gone"), BODY).join();

    assertThat(result.offlineKeys()).containsExactly("gone");
    List<TopicReader.Read> records = topic.take(2);
    assertThat(records)
        .filteredOn(read -> read.key().equals("comet-east-1"))
        .singleElement()
        .satisfies(
            read -> {
              assertThat(read.msg().getType()).isEqualTo(PushType.PUSH_TYPE_KEYS);
              assertThat(read.msg().getKeysList()).containsExactly("phone-42", "phone-7");
              assertThat(read.msg().getMessageId()).isEqualTo(result.messageId());
            });
    assertThat(records)
        .filteredOn(read -> read.key().equals("comet-west-1"))
        .singleElement()
        .satisfies(read -> assertThat(read.msg().getKeysList()).containsExactly("web-42"));
  }

  @Test
  void oneServersRecordsStayInOnePartitionInOrder() {
    for (int i = 0; i < 5; i++) {
      pushes.pushKeys(1000 + i, List.of("phone-7"), BODY).join();
    }

    List<TopicReader.Read> records = topic.take(5);
    assertThat(records)
        .extracting(TopicReader.Read::partition)
        .containsOnly(records.get(0).partition());
    assertThat(records)
        .extracting(read -> read.msg().getOp())
        .containsExactly(1000, 1001, 1002, 1003, 1004);
  }

  @Test
  void aRoomIsOneRecordKeyedByTheRoom() {
    PushResult result = pushes.pushRoom(1000, "live", "1000", BODY).join();

    TopicReader.Read read = topic.takeOne();
    assertThat(read.key()).isEqualTo("live://1000");
    assertThat(read.msg().getType()).isEqualTo(PushType.PUSH_TYPE_ROOM);
    assertThat(read.msg().getRoom()).isEqualTo("live://1000");
    assertThat(read.msg().getServerId()).isEmpty();
    assertThat(read.msg().getMessageId()).isEqualTo(result.messageId());
    assertThat(read.msg().getBody()).isEqualTo(BODY);
  }

  @Test
  void aBroadcastIsOneRecordWithItsSpeedKeyedByItsId() {
    PushResult result = pushes.pushAll(1002, 2000, BODY).join();

    TopicReader.Read read = topic.takeOne();
    assertThat(read.key()).isEqualTo(Long.toString(result.messageId()));
    assertThat(read.msg().getType()).isEqualTo(PushType.PUSH_TYPE_BROADCAST);
    assertThat(read.msg().getSpeed()).isEqualTo(2000);
    assertThat(read.msg().getOp()).isEqualTo(1002);
  }

  @Test
  void anUnreachableBrokerFailsThePushWithTheReasonWithinTheTimeout() {
    KafkaPushQueue dead =
        new KafkaPushQueue(TestKafka.producer(TestKafka.deadBroker(), "herald-push"), meters);
    dead.start();
    try {
      long started = System.nanoTime();
      CompletableFuture<PushResult> push = service(dead).pushMids(1000, List.of(42L), BODY);

      assertThatThrownBy(() -> push.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(PushUnavailableException.class)
          .hasMessageContaining("2 of 2 records not queued")
          .hasMessageContaining("herald-push");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    } finally {
      dead.stop();
    }
  }

  @Test
  void aStoppedQueueRefusesAtOnce() {
    queue.stop();

    assertThatThrownBy(() -> pushes.pushRoom(1000, "live", "1000", BODY).get(1, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(PushUnavailableException.class)
        .hasMessageContaining("not running");
  }

  private PushService service(PushQueue target) {
    return new PushService(
        sessions,
        TestSessions.inbox(),
        TestSessions.rooms("comet-a", "live://1000"),
        target,
        new SnowflakeMessageIds(2, Clock.systemUTC()),
        PushConfig.Api.defaults(),
        Clock.systemUTC());
  }
}
