package io.herald.job.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.herald.job.config.BatchConfig;
import io.herald.proto.common.v1.Frame;
import io.herald.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RoomBatcherTest {
  private final ManualClock clock = new ManualClock();
  private final RoomBatcher batcher =
      new RoomBatcher(new BatchConfig(Duration.ofMillis(5), 3, 100), clock);

  private static Frame frame(String body) {
    return Frame.newBuilder().setOp(1000).setBody(ByteString.copyFromUtf8(body)).build();
  }

  private List<RoomBatch> add(String room, String body) {
    return batcher.add(room, frame(body), clock.millis(), null, new CompletableFuture<>());
  }

  private static List<String> bodies(RoomBatch batch) {
    return batch.frames().stream().map(f -> f.getBody().toStringUtf8()).toList();
  }

  @Test
  void aQuietRoomsSingleMessageWaitsOnlyTheWindow() {
    assertThat(add("live://1", "only")).isEmpty();
    assertThat(batcher.nextDue()).hasValue(clock.millis() + 5);

    clock.advance(Duration.ofMillis(4));
    assertThat(batcher.due()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    List<RoomBatch> due = batcher.due();

    assertThat(due).singleElement().satisfies(b -> assertThat(bodies(b)).containsExactly("only"));
    assertThat(batcher.nextDue()).isEmpty();
  }

  @Test
  void aBatchIsSentAsSoonAsItIsFullWithoutWaiting() {
    assertThat(add("live://1", "a")).isEmpty();
    assertThat(add("live://1", "b")).isEmpty();
    List<RoomBatch> full = add("live://1", "c");

    assertThat(full)
        .singleElement()
        .satisfies(b -> assertThat(bodies(b)).containsExactly("a", "b", "c"));
    assertThat(batcher.openRooms()).isZero();
    assertThat(add("live://1", "d")).isEmpty();
    assertThat(batcher.openRooms()).isOne();
  }

  @Test
  void aMessageThatDoesNotFitClosesTheBatchBeforeIt() {
    add("live://1", "x".repeat(60));
    List<RoomBatch> out = add("live://1", "y".repeat(60));

    assertThat(out).singleElement().satisfies(b -> assertThat(b.bytes()).isEqualTo(60));
    assertThat(batcher.openRooms()).isOne();
    // One larger than maxBytes goes alone, at once.
    List<RoomBatch> huge = add("live://1", "z".repeat(150));
    assertThat(huge).hasSize(2);
    assertThat(huge.get(1).bytes()).isEqualTo(150);
    assertThat(batcher.openRooms()).isZero();
  }

  @Test
  void roomsAreBatchedApartAndComeDueInTheOrderTheyOpened() {
    add("live://1", "1a");
    clock.advance(Duration.ofMillis(2));
    add("live://2", "2a");
    add("live://1", "1b");
    clock.advance(Duration.ofMillis(3));

    List<RoomBatch> due = batcher.due();
    assertThat(due)
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.room()).isEqualTo("live://1");
              assertThat(bodies(b)).containsExactly("1a", "1b");
            });
    assertThat(batcher.nextDue()).hasValue(clock.millis() + 2);
    clock.advance(Duration.ofMillis(2));
    assertThat(batcher.due()).extracting(RoomBatch::room).containsExactly("live://2");
  }

  @Test
  void aZeroWindowSendsEveryMessageAlone() {
    RoomBatcher unbatched = new RoomBatcher(new BatchConfig(Duration.ZERO, 64, 1000), clock);
    assertThat(unbatched.add("live://1", frame("a"), 0, null, new CompletableFuture<>()))
        .hasSize(1);
    assertThat(unbatched.nextDue()).isEmpty();
  }

  @Test
  void aBatchCarriesItsRecordsAndTheOldestAcceptTime() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    batcher.add("live://1", frame("a"), 1_000, null, first);
    batcher.add("live://1", frame("b"), 900, null, second);

    RoomBatch batch = batcher.drain().get(0);
    assertThat(batch.records()).containsExactly(first, second);
    assertThat(batch.oldestAcceptUnixMs()).isEqualTo(900);
    assertThat(batch.abandoned()).isFalse();
    first.cancel(false);
    second.cancel(false);
    assertThat(batch.abandoned()).isTrue();
  }

  @Test
  void aBatchGoesToEveryCometItsMessagesNameOrEverywhereIfOneNamesNone() {
    batcher.add("live://1", frame("a"), 0, List.of("c1"), new CompletableFuture<>());
    batcher.add("live://1", frame("b"), 0, List.of("c2", "c1"), new CompletableFuture<>());
    batcher.add("live://2", frame("c"), 0, List.of("c1"), new CompletableFuture<>());
    batcher.add("live://2", frame("d"), 0, null, new CompletableFuture<>());

    List<RoomBatch> batches = batcher.drain();

    assertThat(batches).extracting(RoomBatch::room).containsExactly("live://1", "live://2");
    assertThat(batches.get(0).servers()).containsExactlyInAnyOrder("c1", "c2");
    assertThat(batches.get(1).servers()).isNull();
  }
}
