package io.herald.comet.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.TransportKind;
import io.herald.proto.logic.v1.HeldSession;
import io.herald.proto.logic.v1.RestoreSessionsRequest;
import io.herald.proto.logic.v1.RestoreSessionsResponse;
import io.herald.wire.ProtocolVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionResyncTest {
  private final Buckets buckets = new Buckets(4);
  private final RecordingLogic logic = new RecordingLogic();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger reports = new AtomicInteger();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final SessionResync resync =
      new SessionResync(
          logic,
          buckets,
          new CometInstance("comet-t", 77),
          reports::incrementAndGet,
          Duration.ofMillis(300),
          scheduler,
          meters);

  @AfterEach
  void close() {
    scheduler.shutdownNow();
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private void connections(int count) {
    for (int i = 1; i <= count; i++) {
      EmbeddedChannel channel = new EmbeddedChannel();
      channels.add(channel);
      buckets.add(
          new Connection(
              channel,
              TransportKind.TCP,
              i,
              1000 + i,
              "k" + i,
              "web",
              ProtocolVersion.V2,
              Set.of(),
              null));
    }
  }

  private List<HeldSession> restored() {
    return logic.restores.stream().flatMap(r -> r.getSessionsList().stream()).toList();
  }

  @Test
  void aChangedIncarnationReannouncesEverySessionInBatchesAfterAnOnlineReport() {
    connections(1_200);

    resync.incarnation("first");
    resync.incarnation("first");
    assertThat(logic.restores).isEmpty();

    resync.incarnation("second");

    await().until(() -> restored().size() == 1_200);
    assertThat(logic.restores)
        .extracting(RestoreSessionsRequest::getSessionsCount)
        .containsExactly(500, 500, 200);
    assertThat(logic.restores)
        .allSatisfy(
            request -> {
              assertThat(request.getServerId()).isEqualTo("comet-t");
              assertThat(request.getServerEpoch()).isEqualTo(77);
            });
    assertThat(restored())
        .contains(
            HeldSession.newBuilder()
                .setMid(1007)
                .setKey("k7")
                .setConnId(7)
                .setPlatform("web")
                .build());
    assertThat(reports).hasValue(1);
    assertThat(meters.get("herald.comet.sessions.reannounced").counter().count()).isEqualTo(1_200);
    assertThat(
            meters
                .get("herald.comet.sessions.resyncs")
                .tag("reason", "store_reset")
                .counter()
                .count())
        .isOne();
  }

  @Test
  void aRequestedResyncRunsOncePerIncarnation() {
    connections(3);

    assertThat(resync.requested("inc-2")).isEqualTo(3);
    await().until(() -> restored().size() == 3);
    resync.requested("inc-2");
    resync.incarnation("inc-2");
    resync.requested("inc-3");

    await().until(() -> restored().size() == 6);
    assertThat(reports).hasValue(2);
  }

  @Test
  void aLostRegistryRecordReannouncesAtOnceAndAgainAfterTheSettle() {
    connections(2);

    resync.recordLost();

    await().until(() -> logic.restores.size() == 2);
    assertThat(
            meters
                .get("herald.comet.sessions.resyncs")
                .tag("reason", "record_lost_settle")
                .counter()
                .count())
        .isOne();
  }

  @Test
  void aFailedBatchIsRetried() {
    connections(2);
    AtomicInteger calls = new AtomicInteger();
    logic.onRestore =
        request ->
            calls.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new IllegalStateException("logic busy"))
                : CompletableFuture.completedFuture(RestoreSessionsResponse.getDefaultInstance());

    resync.requested("inc");

    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 3);
    await().until(() -> meters.get("herald.comet.sessions.reannounced").counter().count() == 2.0);
  }

  @Test
  void aConnectionThatClosedMeanwhileIsLeftOut() {
    connections(2);
    buckets.remove(buckets.get("k1"));

    resync.requested("inc");

    await().until(() -> logic.restores.size() == 1);
    assertThat(restored()).extracting(HeldSession::getKey).containsExactly("k2");
  }
}
