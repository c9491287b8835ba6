package io.herald.comet.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.TransportKind;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.logic.v1.RenewOnlineResponse;
import io.herald.wire.ProtocolVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OnlineReporterTest {
  private final Buckets buckets = new Buckets(4);
  private final RecordingLogic logic = new RecordingLogic();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> incarnations = new CopyOnWriteArrayList<>();
  private final OnlineReporter reporter =
      new OnlineReporter(
          logic,
          buckets,
          new CometInstance("comet-t", 1234),
          Duration.ofMillis(50),
          incarnations::add,
          scheduler,
          meters);

  @AfterEach
  void close() {
    reporter.stop();
    scheduler.shutdownNow();
    channels.forEach(channel -> assertThat(channel.finishAndReleaseAll()).isFalse());
  }

  private void connect(String key, String... rooms) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channels.add(channel);
    buckets.add(
        new Connection(
            channel, TransportKind.TCP, 1, 1, key, "web", ProtocolVersion.V1, Set.of(rooms), null));
  }

  @Test
  void reportsTheRoomsHereAndStoresTheClusterCountsLogicAnswers() {
    connect("a", "live://1");
    connect("b", "live://1", "live://2");
    connect("c", "live://3");

    CompletableFuture<Void> done = reporter.report();
    logic
        .reply(0)
        .complete(
            RenewOnlineResponse.newBuilder()
                .putRoomCounts("live://1", 40)
                .putRoomCounts("live://2", 7)
                .putRoomCounts("live://elsewhere", 3)
                .build());

    assertThat(done).isCompleted();
    RenewOnlineRequest sent = logic.reports.get(0);
    assertThat(sent.getServerId()).isEqualTo("comet-t");
    assertThat(sent.getServerEpoch()).isEqualTo(1234);
    assertThat(sent.getRoomCountsMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("live://1", 2, "live://2", 1, "live://3", 1));
    assertThat(sent.getConnections()).isEqualTo(3);
    // EmbeddedChannel's remote address is not an IP address.
    assertThat(sent.getClientIps()).isZero();
    assertThat(buckets.room("live://1").onlineCount()).isEqualTo(40);
    assertThat(buckets.room("live://2").onlineCount()).isEqualTo(7);
    // Logic does not count it yet: its own members here.
    assertThat(buckets.room("live://3").onlineCount()).isOne();
    assertThat(meters.counter("herald.comet.online.reports", "result", "ok").count()).isOne();
  }

  @Test
  void aFailedReportKeepsTheLastCountsAndIsCounted() {
    connect("a", "live://1");
    var unused = reporter.report();
    logic.reply(0).complete(RenewOnlineResponse.newBuilder().putRoomCounts("live://1", 9).build());

    CompletableFuture<Void> failed = reporter.report();
    logic.reply(1).completeExceptionally(Status.UNAVAILABLE.asRuntimeException());

    assertThat(failed).isCompletedExceptionally();
    assertThat(buckets.room("live://1").onlineCount()).isEqualTo(9);
    assertThat(meters.counter("herald.comet.online.reports", "result", "error").count()).isOne();
  }

  @Test
  void reportsEveryIntervalOnceStartedAndNeverTwiceAtOnce() {
    connect("a", "live://1");
    reporter.start();
    reporter.start();

    await().atMost(Duration.ofSeconds(5)).until(() -> logic.reports.size() == 1);
    // The first report is unanswered: ticks meanwhile send nothing.
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> logic.reports.size() == 1);

    logic.reply(0).complete(RenewOnlineResponse.getDefaultInstance());
    logic.reply(1).complete(RenewOnlineResponse.getDefaultInstance());
    await().atMost(Duration.ofSeconds(5)).until(() -> logic.reports.size() >= 2);

    reporter.stop();
    reporter.stop();
    int sent = logic.reports.size();
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> logic.reports.size() == sent);
    // The scheduler was the caller's: still running.
    assertThat(scheduler.isShutdown()).isFalse();
  }

  @Test
  void stopBeforeStartIsAllowedAndFinal() {
    reporter.stop();
    reporter.start();
    await()
        .during(Duration.ofMillis(150))
        .atMost(Duration.ofSeconds(5))
        .until(() -> logic.reports.isEmpty());
  }
}
