package io.herald.comet.logic;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.proto.logic.v1.AckRequest;
import io.herald.proto.logic.v1.AckResponse;
import io.herald.proto.logic.v1.DeviceCursor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cursors batched per device, newest kept, at most 1000 per call, failures retried. */
class CursorBatcherTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<AckRequest> calls = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private volatile boolean failing;

  private final RecordingLogic logic =
      new RecordingLogic() {
        @Override
        public CompletableFuture<AckResponse> ack(AckRequest request) {
          calls.add(request);
          return failing
              ? CompletableFuture.failedFuture(new IllegalStateException("down"))
              : CompletableFuture.completedFuture(AckResponse.getDefaultInstance());
        }
      };

  private final CursorBatcher batcher =
      new CursorBatcher(logic, "comet-1", Duration.ofHours(1), scheduler, meters);

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.shutdownNow();
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
  }

  private static DeviceCursor cursor(long mid, String key, long epoch, long seq) {
    return DeviceCursor.newBuilder().setMid(mid).setKey(key).setEpoch(epoch).setSeq(seq).build();
  }

  @Test
  void onlyTheNewestCursorOfEachDeviceIsSent() {
    batcher.add(1, "a", 5, 3);
    batcher.add(1, "a", 5, 9);
    batcher.add(1, "a", 5, 4); // late: older
    batcher.add(2, "b", 5, 2);
    batcher.add(2, "b", 6, 1); // a newer epoch wins

    batcher.flush();

    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).getServerId()).isEqualTo("comet-1");
    assertThat(calls.get(0).getCursorsList())
        .containsExactly(cursor(1, "a", 5, 9), cursor(2, "b", 6, 1));
    batcher.flush();
    assertThat(calls).as("nothing left").hasSize(1);
  }

  @Test
  void aThousandDevicesAreSentAtOnceWithoutWaitingForTheInterval() {
    for (int i = 0; i < CursorBatcher.MAX_BATCH; i++) {
      batcher.add(i, "k" + i, 1, 1);
    }

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !calls.isEmpty());
    assertThat(calls.get(0).getCursorsCount()).isEqualTo(CursorBatcher.MAX_BATCH);
    assertThat(batcher.size()).isZero();
  }

  @Test
  void aFailedCallIsRetriedAtTheNextFlushUnlessANewerCursorCame() {
    failing = true;
    batcher.add(1, "a", 5, 3);
    batcher.add(2, "b", 5, 3);
    batcher.flush();
    failing = false;
    batcher.add(1, "a", 5, 8);

    batcher.flush();

    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).getCursorsList())
        .containsExactlyInAnyOrder(cursor(1, "a", 5, 8), cursor(2, "b", 5, 3));
    assertThat(meters.get("herald.comet.cursor.flushes").tag("result", "error").counter().count())
        .isOne();
    assertThat(meters.get("herald.comet.cursor.flushes").tag("result", "ok").counter().count())
        .isOne();
  }
}
