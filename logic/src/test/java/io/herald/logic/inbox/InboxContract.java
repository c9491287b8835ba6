package io.herald.logic.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.herald.proto.common.v1.InboxMessage;
import io.herald.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Inbox} promises, run against each backend: seqs from 1 without gaps, atomic
 * under concurrent appends, retention by count and age, epochs that change when the inbox is lost,
 * the reset rules of a read, and cursors that never move back.
 */
abstract class InboxContract {
  static final int MAX_COUNT = 5;
  static final InboxConfig CONFIG = new InboxConfig(MAX_COUNT, Duration.ofDays(7), 100);
  static final long MID = 42;

  final ManualClock clock = new ManualClock();

  /** The inbox under test, empty, on {@link #CONFIG} and {@link #clock}. */
  abstract Inbox inbox();

  /**
   * Another instance on the same data (another Logic process for Redis, the same one in memory).
   */
  abstract Inbox sameDataElsewhere();

  /** Loses {@code mid}'s inbox as a flushed store would. */
  abstract void lose(long mid);

  InboxPosition append(String body) {
    return inbox()
        .append(MID, new InboxEntry(body.hashCode(), 1000, ByteString.copyFromUtf8(body), now()))
        .join();
  }

  long now() {
    return clock.millis();
  }

  static List<String> bodies(InboxRead read) {
    return read.messages().stream().map(m -> m.getBody().toStringUtf8()).toList();
  }

  @Test
  void appendsCountFromOneInAPositiveEpoch() {
    InboxPosition first = append("a");
    InboxPosition second = append("b");

    assertThat(first.epoch()).isPositive();
    assertThat(first.seq()).isOne();
    assertThat(second).isEqualTo(new InboxPosition(first.epoch(), 2));
    InboxPosition other =
        inbox().append(7, new InboxEntry(1, 1000, ByteString.EMPTY, now())).join();
    assertThat(other.seq()).isOne();
  }

  @Test
  void concurrentAppendsForOneUserGetEverySeqOnce() throws Exception {
    int count = 200;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<InboxPosition>> appends = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Inbox target = i % 2 == 0 ? inbox() : sameDataElsewhere();
        long id = i;
        appends.add(
            CompletableFuture.supplyAsync(
                    () ->
                        target.append(
                            MID, new InboxEntry(id, 1000, ByteString.copyFromUtf8("m"), now())),
                    pool)
                .thenCompose(f -> f));
      }
      List<InboxPosition> positions = appends.stream().map(CompletableFuture::join).toList();

      assertThat(positions.stream().map(InboxPosition::epoch).distinct()).hasSize(1);
      assertThat(positions.stream().map(InboxPosition::seq))
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFirstReadGetsEveryMessageInOrderWithWhatWasPushed() {
    long accepted = now();
    InboxPosition first =
        inbox()
            .append(MID, new InboxEntry(9001, 1002, ByteString.copyFromUtf8("a"), accepted))
            .join();
    append("b");

    InboxRead read = inbox().read(MID, 0, 0, 10).join();

    assertThat(read.reset()).isFalse();
    assertThat(read.more()).isFalse();
    assertThat(read.epoch()).isEqualTo(first.epoch());
    assertThat(read.oldestSeq()).isOne();
    assertThat(read.latestSeq()).isEqualTo(2);
    assertThat(read.messages().get(0))
        .isEqualTo(
            InboxMessage.newBuilder()
                .setMessageId(9001)
                .setSeq(1)
                .setOp(1002)
                .setBody(ByteString.copyFromUtf8("a"))
                .setAcceptUnixMs(accepted)
                .build());
    assertThat(bodies(read)).containsExactly("a", "b");
  }

  @Test
  void aLimitedReadSaysMoreFollowAndTheNextOneContinues() {
    InboxPosition at = append("a");
    append("b");
    append("c");

    InboxRead head = inbox().read(MID, at.epoch(), 0, 2).join();
    InboxRead tail = inbox().read(MID, at.epoch(), 2, 2).join();

    assertThat(bodies(head)).containsExactly("a", "b");
    assertThat(head.more()).isTrue();
    assertThat(bodies(tail)).containsExactly("c");
    assertThat(tail.more()).isFalse();
  }

  @Test
  void readingWhatOneHoldsIsEmptyAndNoReset() {
    InboxPosition at = append("a");

    InboxRead read = inbox().read(MID, at.epoch(), 1, 10).join();

    assertThat(read.reset()).isFalse();
    assertThat(read.messages()).isEmpty();
    assertThat(read.latestSeq()).isOne();
  }

  @Test
  void anotherEpochOrASeqBeyondTheNewestIsAReset() {
    InboxPosition at = append("a");
    append("b");

    InboxRead otherEpoch = inbox().read(MID, at.epoch() - 1, 1, 10).join();
    InboxRead beyond = inbox().read(MID, at.epoch(), 3, 10).join();

    for (InboxRead read : List.of(otherEpoch, beyond)) {
      assertThat(read.reset()).isTrue();
      assertThat(read.messages()).isEmpty();
      assertThat(read.epoch()).isEqualTo(at.epoch());
      assertThat(read.oldestSeq()).isOne();
      assertThat(read.latestSeq()).isEqualTo(2);
    }
    assertThat(inbox().read(MID, 0, 3, 10).join().reset()).as("epoch 0 never resets").isFalse();
  }

  @Test
  void messagesBeyondMaxCountAreTrimmedAndAReaderBehindThemIsReset() {
    long epoch = 0;
    for (int i = 1; i <= 8; i++) {
      epoch = append("m" + i).epoch();
    }

    InboxRead behind = inbox().read(MID, epoch, 2, 10).join();
    InboxRead justBefore = inbox().read(MID, epoch, 3, 10).join();

    assertThat(behind.reset()).isTrue();
    assertThat(behind.oldestSeq()).isEqualTo(4);
    assertThat(behind.latestSeq()).isEqualTo(8);
    assertThat(justBefore.reset()).isFalse();
    assertThat(bodies(justBefore)).containsExactly("m4", "m5", "m6", "m7", "m8");
    assertThat(bodies(inbox().read(MID, 0, 0, 10).join())).hasSize(MAX_COUNT);
  }

  @Test
  void anEmptyInboxHasAnEpochAndReadsAsNoReset() {
    InboxRead first = inbox().read(MID, 0, 0, 10).join();

    assertThat(first.epoch()).isPositive();
    assertThat(first.oldestSeq()).isZero();
    assertThat(first.latestSeq()).isZero();
    assertThat(first.reset()).isFalse();
    assertThat(inbox().read(MID, first.epoch(), 0, 10).join().reset()).isFalse();
    assertThat(append("a")).isEqualTo(new InboxPosition(first.epoch(), 1));
  }

  @Test
  void aLostInboxComesBackInANewEpochAndTheOldEpochIsReset() {
    InboxPosition old = append("a");
    append("b");
    inbox().moveCursors(List.of(new DeviceCursor(MID, "phone", old.epoch(), 2))).join();

    lose(MID);
    InboxRead read = inbox().read(MID, old.epoch(), 2, 10).join();
    InboxPosition next = append("c");

    assertThat(read.reset()).isTrue();
    assertThat(read.epoch()).isNotEqualTo(old.epoch()).isPositive();
    assertThat(read.latestSeq()).isZero();
    assertThat(next).isEqualTo(new InboxPosition(read.epoch(), 1));
    assertThat(inbox().cursors(MID).join()).isEmpty();
    assertThat(inbox().moveCursors(List.of(new DeviceCursor(MID, "phone", old.epoch(), 1))).join())
        .as("a cursor of the old epoch")
        .isZero();
  }

  @Test
  void aCursorNeverMovesBackAndOtherEpochsAreIgnored() {
    long epoch = 0;
    for (int i = 1; i <= 3; i++) {
      epoch = append("m" + i).epoch();
    }

    int moved =
        inbox()
            .moveCursors(
                List.of(
                    new DeviceCursor(MID, "phone", epoch, 2),
                    new DeviceCursor(MID, "web", epoch, 1),
                    new DeviceCursor(MID, "tablet", epoch + 1, 3),
                    new DeviceCursor(MID, "watch", epoch, 4),
                    new DeviceCursor(7, "other", epoch, 1)))
            .join();
    int again =
        inbox()
            .moveCursors(
                List.of(
                    new DeviceCursor(MID, "phone", epoch, 1),
                    new DeviceCursor(MID, "web", epoch, 3)))
            .join();

    assertThat(moved).isEqualTo(2);
    assertThat(again).isOne();
    assertThat(inbox().cursors(MID).join()).isEqualTo(Map.of("phone", 2L, "web", 3L));
  }

  @Test
  void aReadFromTheCursorStartsAfterItOrFromTheOldest() {
    long epoch = 0;
    for (int i = 1; i <= 3; i++) {
      epoch = append("m" + i).epoch();
    }
    inbox().moveCursors(List.of(new DeviceCursor(MID, "phone", epoch, 2))).join();

    assertThat(bodies(inbox().readFromCursor(MID, "phone", 10).join())).containsExactly("m3");
    assertThat(bodies(inbox().readFromCursor(MID, "web", 10).join()))
        .containsExactly("m1", "m2", "m3");
  }

  @Test
  void aCursorBehindTrimmedMessagesReadsAsAReset() {
    InboxPosition first = append("m1");
    inbox().moveCursors(List.of(new DeviceCursor(MID, "phone", first.epoch(), 1))).join();
    for (int i = 2; i <= 8; i++) {
      append("m" + i);
    }

    InboxRead read = inbox().readFromCursor(MID, "phone", 10).join();

    assertThat(read.reset()).isTrue();
    assertThat(read.oldestSeq()).isEqualTo(4);
  }

  @Test
  void messagesOlderThanMaxAgeAreTrimmed() {
    InboxPosition first = append("old");
    clock.advance(Duration.ofDays(6));
    append("young");
    clock.advance(Duration.ofDays(2));

    InboxRead read = inbox().read(MID, first.epoch(), 0, 10).join();

    assertThat(read.reset()).as("messages after seq 0 were trimmed").isTrue();
    assertThat(read.oldestSeq()).isEqualTo(2);
    InboxRead fromOne = inbox().read(MID, first.epoch(), 1, 10).join();
    assertThat(bodies(fromOne)).containsExactly("young");
  }

  @Test
  void whenEverythingWasTrimmedTheOldestIsBeyondTheNewest() {
    long start = now();
    InboxPosition first = append("a");
    clock.advance(Duration.ofDays(6));
    inbox()
        .append(
            MID,
            new InboxEntry(
                2, 1000, ByteString.copyFromUtf8("b"), start + Duration.ofHours(12).toMillis()))
        .join();
    clock.advance(Duration.ofDays(2));

    InboxRead read = inbox().read(MID, first.epoch(), 2, 10).join();

    assertThat(read.reset()).isFalse();
    assertThat(read.messages()).isEmpty();
    assertThat(read.epoch()).isEqualTo(first.epoch());
    assertThat(read.oldestSeq()).isEqualTo(3);
    assertThat(read.latestSeq()).isEqualTo(2);
  }
}
