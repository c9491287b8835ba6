package io.herald.job.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.herald.job.config.BatchConfig;
import io.herald.job.config.DeliveryConfig;
import io.herald.job.lanes.CometLanes;
import io.herald.job.lanes.DispatcherStoppedException;
import io.herald.job.support.StandInComet;
import io.herald.proto.comet.v1.BroadcastRequest;
import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.comet.v1.PushMsgsRequest;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import io.herald.registry.InMemoryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher against stand-in Comets on real ports, found through an in-process registry:
 * routing, order through retries, and every way a call ends.
 */
class DispatcherTest {
  private final Clock clock = Clock.systemUTC();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<StandInComet> comets = new ArrayList<>();
  private InMemoryRegistry registry;
  private Dispatcher dispatcher;

  @BeforeEach
  void start() {
    registry =
        new InMemoryRegistry(
            clock, Duration.ofSeconds(30), Duration.ofMillis(100), List.of(), meters);
    registry.start();
  }

  private void startDispatcher(DeliveryConfig delivery) {
    dispatcher =
        new Dispatcher(
            delivery, new BatchConfig(Duration.ofMillis(5), 64, 32768), registry, clock, meters);
    dispatcher.start();
  }

  private static DeliveryConfig delivery(Duration giveUpAfter, Duration unknownGrace, int keys) {
    return new DeliveryConfig(
        Duration.ofSeconds(2),
        Duration.ofMillis(20),
        Duration.ofMillis(100),
        giveUpAfter,
        unknownGrace,
        keys,
        100);
  }

  private StandInComet comet(String id) {
    return registered(StandInComet.start(id));
  }

  private StandInComet registered(StandInComet comet) {
    comets.add(comet);
    registry.register(comet.node()).join();
    return comet;
  }

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.stop(Duration.ofMillis(200));
    }
    registry.stop();
    for (StandInComet comet : comets) {
      comet.close();
    }
  }

  private PushMsg unicast(String server, String body, String... keys) {
    return PushMsg.newBuilder()
        .setType(PushType.PUSH_TYPE_MIDS)
        .setOp(1000)
        .setServerId(server)
        .addAllKeys(List.of(keys))
        .addMids(7)
        .setInboxSeq(3)
        .setInboxEpoch(1_700_000_000_000L)
        .setNotify(true)
        .setRequireAck(true)
        .setMessageId(42)
        .setBody(ByteString.copyFromUtf8(body))
        .setAcceptUnixMs(clock.millis())
        .build();
  }

  /** A room record naming the Comets Logic's room index gave it. */
  private PushMsg room(String room, String body, String... servers) {
    return unrouted(room, body).toBuilder()
        .addAllRoomServers(List.of(servers))
        .setRoomServersKnown(true)
        .build();
  }

  /** A room record that names no Comets (Logic could not read its room index). */
  private PushMsg unrouted(String room, String body) {
    return PushMsg.newBuilder()
        .setType(PushType.PUSH_TYPE_ROOM)
        .setOp(1000)
        .setRoom(room)
        .setMessageId(1)
        .setAcceptUnixMs(clock.millis())
        .setBody(ByteString.copyFromUtf8(body))
        .build();
  }

  private double count(String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aUnicastRecordBecomesPushMsgCallsOnItsCometWithAtMostTheKeyLimitEach() throws Exception {
    StandInComet a = comet("a");
    StandInComet b = comet("b");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 2));

    dispatcher.dispatch(unicast("a", "hello", "k1", "k2", "k3")).get();

    List<PushMsgRequest> calls = a.calls(PushMsgRequest.class);
    assertThat(calls)
        .extracting(r -> List.copyOf(r.getKeysList()))
        .containsExactly(List.of("k1", "k2"), List.of("k3"));
    PushMsgRequest first = calls.get(0);
    assertThat(first.getBody().toStringUtf8()).isEqualTo("hello");
    assertThat(first.getOp()).isEqualTo(1000);
    assertThat(first.getMessageId()).isEqualTo(42);
    assertThat(first.getRequireAck()).isTrue();
    assertThat(first.getInboxSeq()).as("one user's record carries its inbox seq").isEqualTo(3);
    assertThat(first.getInboxEpoch()).isEqualTo(1_700_000_000_000L);
    assertThat(first.getNotify()).isTrue();
    assertThat(calls.get(1).getInboxSeq()).as("every call of the record").isEqualTo(3);
    assertThat(calls.get(1).getInboxEpoch()).isEqualTo(1_700_000_000_000L);
    assertThat(b.calls).isEmpty();
    assertThat(count("herald.job.fanout", "call", "push", "result", "ok")).isEqualTo(2);
    assertThat(count("herald.job.records.consumed", "type", "mids")).isOne();
  }

  @Test
  void callsToOneCometKeepTheirOrderThroughRetries() throws Exception {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 1000));
    a.failNext(5, Status.UNAVAILABLE);

    List<CompletableFuture<Void>> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(dispatcher.dispatch(unicast("a", "m" + i, "k")));
    }
    CompletableFuture.allOf(records.toArray(CompletableFuture[]::new)).get();

    assertThat(a.calls(PushMsgRequest.class))
        .extracting(r -> r.getBody().toStringUtf8())
        .containsExactlyElementsOf(IntStream.range(0, 30).mapToObj(i -> "m" + i).toList());
    assertThat(a.failed).hasValue(5);
    assertThat(count("herald.job.fanout.retries", "call", "push")).isEqualTo(5);
    assertThat(count("herald.job.undeliverable", "reason", "comet_gone")).isZero();
  }

  /**
   * Dispatches {@code bodies} to Comet {@code a} while it fails every call, so all but the first
   * queue behind the first; returns the records once {@code a} failed a few times.
   */
  /** {@code count} bodies of 300 KB, each starting with its index. */
  private static List<String> largeBodies(int count) {
    String large = "x".repeat(300_000);
    return IntStream.range(0, count).mapToObj(i -> i + large).toList();
  }

  /** Lets {@code a} answer again, waits for every record and checks each push arrived in order. */
  private static void deliveredAfterTheFailure(
      StandInComet a, List<CompletableFuture<Void>> records, List<String> bodies) throws Exception {
    a.failAll(null);
    CompletableFuture.allOf(records.toArray(CompletableFuture[]::new)).get();
    assertThat(a.calls(PushMsgRequest.class))
        .extracting(r -> r.getBody().toStringUtf8())
        .containsExactlyElementsOf(bodies);
  }

  private List<CompletableFuture<Void>> queuedBehindAFailure(StandInComet a, List<String> bodies) {
    a.failAll(Status.UNAVAILABLE);
    List<CompletableFuture<Void>> records = new ArrayList<>();
    for (String body : bodies) {
      records.add(dispatcher.dispatch(unicast("a", body, "k")));
    }
    await().until(() -> a.failed.get() >= 2);
    assertThat(records).as("no record ends before its Comet answered").noneMatch(r -> r.isDone());
    return records;
  }

  @Test
  void pushesQueuedForOneCometGoTogetherInOrderAndEachRecordEndsOnlyOnceAnswered()
      throws Exception {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 1000));
    List<String> bodies = IntStream.range(0, 30).mapToObj(i -> "m" + i).toList();
    List<CompletableFuture<Void>> records = queuedBehindAFailure(a, bodies);

    a.failAll(null);
    CompletableFuture.allOf(records.toArray(CompletableFuture[]::new)).get();

    assertThat(a.calls(PushMsgRequest.class))
        .extracting(r -> r.getBody().toStringUtf8())
        .containsExactlyElementsOf(bodies);
    assertThat(a.batches)
        .as("the 29 pushes queued behind the first went in one PushMsgs")
        .singleElement()
        .extracting(PushMsgsRequest::getPushesCount)
        .isEqualTo(29);
    assertThat(count("herald.job.fanout", "call", "push", "result", "ok")).isEqualTo(30);
  }

  @Test
  void aFailedPushMsgsIsRetriedWholeInOrderAndItsRecordsWaitForIt() throws Exception {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 1000));
    List<String> bodies = IntStream.range(0, 10).mapToObj(i -> "m" + i).toList();
    List<CompletableFuture<Void>> records = queuedBehindAFailure(a, bodies);
    int failedBefore = a.failed.get();
    a.failNextBatches(5);

    a.failAll(null);
    records.get(0).get();
    await().until(() -> a.failed.get() >= failedBefore + 2);
    assertThat(records.subList(1, 10)).as("not answered yet").noneMatch(r -> r.isDone());
    CompletableFuture.allOf(records.toArray(CompletableFuture[]::new)).get();

    assertThat(a.failed.get()).isEqualTo(failedBefore + 5);
    assertThat(a.batches).singleElement().extracting(PushMsgsRequest::getPushesCount).isEqualTo(9);
    assertThat(a.calls(PushMsgRequest.class))
        .extracting(r -> r.getBody().toStringUtf8())
        .containsExactlyElementsOf(bodies);
    assertThat(count("herald.job.fanout.retries", "call", "push")).isGreaterThanOrEqualTo(45);
  }

  @Test
  void queuedPushesGoInBatchesOfAtMostTheByteCapInOrder() throws Exception {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 1000));
    List<String> bodies = largeBodies(10);
    deliveredAfterTheFailure(a, queuedBehindAFailure(a, bodies), bodies);
    assertThat(a.batches)
        .as("nine 300 KB pushes queued: three to a PushMsgs, each under the cap")
        .extracting(PushMsgsRequest::getPushesCount)
        .containsExactly(3, 3, 3);
    assertThat(a.batches).allMatch(b -> b.getSerializedSize() <= CometLanes.MAX_BATCH_BYTES);
  }

  @Test
  void aPushMsgsTooLargeForTheCometIsSplitAndEveryPushDelivered() throws Exception {
    StandInComet a = registered(StandInComet.start("a", 700_000));
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 1000));
    List<String> bodies = largeBodies(7);
    deliveredAfterTheFailure(a, queuedBehindAFailure(a, bodies), bodies);
    assertThat(count("herald.job.fanout", "call", "push", "result", "ok")).isEqualTo(7);
  }

  @Test
  void aPushTheCometRefusesInAPushMsgsIsSkippedAloneAndTheOthersAreDelivered() throws Exception {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 1000));
    a.refuse(push -> push.getBody().toStringUtf8().equals("bad"));
    List<CompletableFuture<Void>> records =
        queuedBehindAFailure(a, List.of("m0", "m1", "bad", "m3"));

    a.failAll(null);
    CompletableFuture.allOf(records.toArray(CompletableFuture[]::new)).get();

    assertThat(a.batches).hasSize(1);
    assertThat(a.calls(PushMsgRequest.class))
        .extracting(r -> r.getBody().toStringUtf8())
        .containsExactly("m0", "m1", "m3");
    assertThat(count("herald.job.undeliverable", "reason", "rejected")).isOne();
    assertThat(count("herald.job.fanout", "call", "push", "result", "rejected")).isOne();
    assertThat(count("herald.job.fanout", "call", "push", "result", "ok")).isEqualTo(3);
  }

  @Test
  void aCometWithoutPushMsgsGetsOnePushMsgPerPushInOrder() throws Exception {
    StandInComet a = comet("a");
    a.withoutPushMsgs();
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 1000));
    List<String> bodies = IntStream.range(0, 10).mapToObj(i -> "m" + i).toList();
    List<CompletableFuture<Void>> records = queuedBehindAFailure(a, bodies);

    a.failAll(null);
    CompletableFuture.allOf(records.toArray(CompletableFuture[]::new)).get();

    assertThat(a.batches).isEmpty();
    assertThat(a.calls(PushMsgRequest.class))
        .extracting(r -> r.getBody().toStringUtf8())
        .containsExactlyElementsOf(bodies);
    assertThat(count("herald.job.undeliverable", "reason", "rejected")).isZero();
  }

  @Test
  void withOnePushPerCallEveryPushIsItsOwnPushMsg() throws Exception {
    StandInComet a = comet("a");
    DeliveryConfig one = delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 1000);
    startDispatcher(
        new DeliveryConfig(
            one.callTimeout(),
            one.initialBackoff(),
            one.maxBackoff(),
            one.giveUpAfter(),
            one.unknownCometGrace(),
            one.maxKeysPerCall(),
            1));
    List<CompletableFuture<Void>> records = queuedBehindAFailure(a, List.of("m0", "m1", "m2"));

    a.failAll(null);
    CompletableFuture.allOf(records.toArray(CompletableFuture[]::new)).get();

    assertThat(a.batches).isEmpty();
    assertThat(a.calls(PushMsgRequest.class)).hasSize(3);
  }

  @Test
  void aFailingCometHoldsBackOnlyItsOwnCalls() throws Exception {
    StandInComet a = comet("a");
    StandInComet b = comet("b");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(1), 1000));
    a.failAll(Status.UNAVAILABLE);

    CompletableFuture<Void> toA = dispatcher.dispatch(unicast("a", "for a", "k"));
    dispatcher.dispatch(unicast("b", "for b", "k")).get();

    assertThat(b.calls).hasSize(1);
    assertThat(toA).isNotDone();
    a.failAll(null);
    toA.get();
    assertThat(a.calls).hasSize(1);
  }

  @Test
  void aRecordForACometNotInTheRegistryIsCountedUndeliverableAndSkipped() throws Exception {
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));

    dispatcher.dispatch(unicast("gone", "lost", "k")).get();

    assertThat(count("herald.job.undeliverable", "reason", "comet_gone")).isOne();
  }

  @Test
  void aRecordForACometThatJustStartedWaitsForTheRegistryToShowIt() throws Exception {
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(10), 1000));
    StandInComet late = StandInComet.start("late");
    comets.add(late);

    CompletableFuture<Void> record = dispatcher.dispatch(unicast("late", "early bird", "k"));
    registry.register(late.node()).join();
    record.get();

    assertThat(late.calls).hasSize(1);
    assertThat(count("herald.job.undeliverable", "reason", "comet_gone")).isZero();
  }

  @Test
  void aCometThatLeavesTheRegistryWhileFailingEndsItsCallsAsGone() throws Exception {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));
    a.failAll(Status.UNAVAILABLE);

    CompletableFuture<Void> record = dispatcher.dispatch(unicast("a", "x", "k"));
    await().until(() -> a.failed.get() >= 2);
    registry.deregister("a").join();
    record.get();

    assertThat(count("herald.job.undeliverable", "reason", "comet_gone")).isOne();
    assertThat(count("herald.job.fanout", "call", "push", "result", "gone")).isOne();
  }

  @Test
  void aRefusedCallIsNotRetried() throws Exception {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));
    a.failNext(1, Status.INVALID_ARGUMENT);

    dispatcher.dispatch(unicast("a", "bad", "k")).get();
    dispatcher.dispatch(unicast("a", "good", "k")).get();

    assertThat(a.failed).hasValue(1);
    assertThat(a.calls(PushMsgRequest.class))
        .extracting(r -> r.getBody().toStringUtf8())
        .containsExactly("good");
    assertThat(count("herald.job.undeliverable", "reason", "rejected")).isOne();
  }

  @Test
  void aCometFailingPastGiveUpAfterIsSkippedAndCounted() throws Exception {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMillis(300), Duration.ZERO, 1000));
    a.failAll(Status.UNAVAILABLE);

    dispatcher.dispatch(unicast("a", "x", "k")).get();

    assertThat(a.failed.get()).isGreaterThan(1);
    assertThat(count("herald.job.undeliverable", "reason", "gave_up")).isOne();
  }

  @Test
  void stoppingBeforeDeliveryFailsTheRecordSoItIsDeliveredAgain() {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));
    a.failAll(Status.UNAVAILABLE);

    CompletableFuture<Void> record = dispatcher.dispatch(unicast("a", "x", "k"));
    await().until(() -> a.failed.get() >= 1);
    dispatcher.stop(Duration.ofMillis(100));

    assertThat(record).isCompletedExceptionally();
    assertThat(record)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(DispatcherStoppedException.class);
    assertThat(dispatcher.dispatch(unicast("a", "y", "k"))).isCompletedExceptionally();
  }

  @Test
  void anAbandonedRecordIsNotSent() {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));
    a.failAll(Status.UNAVAILABLE);

    CompletableFuture<Void> blocked = dispatcher.dispatch(unicast("a", "first", "k"));
    CompletableFuture<Void> abandoned = dispatcher.dispatch(unicast("a", "second", "k"));
    abandoned.cancel(false);
    blocked.cancel(false);
    // Both end while the Comet still fails: no attempt of theirs is on its way when it recovers.
    await().until(() -> count("herald.job.fanout", "call", "push", "result", "abandoned") == 2);
    a.failAll(null);
    CompletableFuture<Void> after = dispatcher.dispatch(unicast("a", "third", "k"));

    await().until(after::isDone);
    assertThat(a.calls(PushMsgRequest.class))
        .extracting(r -> r.getBody().toStringUtf8())
        .containsExactly("third");
    assertThat(count("herald.job.fanout", "call", "push", "result", "abandoned")).isEqualTo(2);
  }

  @Test
  void roomMessagesAreBatchedAndGoOnlyToTheCometsTheyName() throws Exception {
    StandInComet a = comet("a");
    StandInComet b = comet("b");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));

    List<CompletableFuture<Void>> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      records.add(dispatcher.dispatch(room("live://1", "r" + i, "a")));
    }
    CompletableFuture.allOf(records.toArray(CompletableFuture[]::new)).get();
    dispatcher.dispatch(room("live://nobody", "void")).get();

    List<String> delivered =
        a.calls(BroadcastRoomRequest.class).stream()
            .flatMap(r -> r.getFramesList().stream())
            .map(f -> f.getBody().toStringUtf8())
            .toList();
    assertThat(delivered)
        .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "r" + i).toList());
    assertThat(a.calls(BroadcastRoomRequest.class).size()).isLessThan(10);
    assertThat(b.calls).isEmpty();
    assertThat(count("herald.job.room.skipped")).isOne();
    assertThat(meters.find("herald.job.room.batch.messages").summary().max()).isGreaterThan(1);
  }

  @Test
  void aRoomRecordThatNamesNoCometsGoesToEveryComet() throws Exception {
    StandInComet a = comet("a");
    StandInComet b = comet("b");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));
    await().until(() -> registry.nodes().size() == 2);

    dispatcher.dispatch(unrouted("live://1", "everywhere")).get();

    assertThat(a.calls(BroadcastRoomRequest.class)).hasSize(1);
    assertThat(b.calls(BroadcastRoomRequest.class)).hasSize(1);
  }

  @Test
  void aRoomRecordForACometNotRegisteredYetWaitsForIt() throws Exception {
    StandInComet a = comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ofSeconds(30), 1000));
    StandInComet fresh = StandInComet.start("fresh");
    comets.add(fresh);

    CompletableFuture<Void> record = dispatcher.dispatch(room("live://1", "hello", "a", "fresh"));
    await().until(() -> a.calls(BroadcastRoomRequest.class).size() == 1);
    assertThat(record).isNotDone();
    registry.register(fresh.node()).join();

    record.get();
    assertThat(fresh.calls(BroadcastRoomRequest.class)).hasSize(1);
  }

  @Test
  void aRoomRecordForACometThatNeverRegistersCountsItGoneAfterTheGrace() throws Exception {
    comet("a");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));

    dispatcher.dispatch(room("live://1", "lost", "vanished")).get();

    assertThat(count("herald.job.fanout", "call", "room", "result", "gone")).isOne();
  }

  @Test
  void aBroadcastGoesToEveryCometWithTheSpeedSplit() throws Exception {
    StandInComet a = comet("a");
    StandInComet b = comet("b");
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));

    dispatcher
        .dispatch(
            PushMsg.newBuilder()
                .setType(PushType.PUSH_TYPE_BROADCAST)
                .setOp(1001)
                .setSpeed(100)
                .setMessageId(9)
                .setBody(ByteString.copyFromUtf8("all"))
                .build())
        .get();

    for (StandInComet comet : List.of(a, b)) {
      assertThat(comet.calls(BroadcastRequest.class))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getSpeed()).isEqualTo(50);
                assertThat(r.getBody().toStringUtf8()).isEqualTo("all");
              });
    }
  }

  @Test
  void recordsJobCannotRouteAreCountedAndSkipped() throws Exception {
    startDispatcher(delivery(Duration.ofMinutes(1), Duration.ZERO, 1000));

    dispatcher.dispatch(PushMsg.getDefaultInstance()).get();
    dispatcher.dispatch(room("", "no room")).get();

    assertThat(count("herald.job.records.consumed", "type", "invalid")).isEqualTo(2);
  }
}
