package io.herald.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {
  private final PartitionOffsets offsets = new PartitionOffsets();

  @Test
  void nothingIsCommittedBeforeARecordIsTaken() {
    assertThat(offsets.committable()).isEmpty();
    assertThat(offsets.toCommit()).isEmpty();
  }

  @Test
  void theCommitStopsAtTheFirstRecordNotDeliveredWhateverOrderDeliveriesEndIn() {
    for (long offset = 10; offset < 15; offset++) {
      offsets.taken(offset, new CompletableFuture<>());
    }
    assertThat(offsets.committable()).hasValue(10);

    offsets.completed(12);
    offsets.completed(14);
    assertThat(offsets.committable()).as("10 is still being delivered").hasValue(10);
    offsets.completed(10);
    assertThat(offsets.committable()).hasValue(11);
    offsets.completed(11);
    assertThat(offsets.committable()).as("13 is next to read after a restart").hasValue(13);
    offsets.completed(13);
    assertThat(offsets.committable()).hasValue(15);
    assertThat(offsets.inFlight()).isZero();
  }

  @Test
  void skippedRecordsMoveTheCommitWhenNothingBeforeThemIsPending() {
    offsets.taken(3, new CompletableFuture<>());
    offsets.skipped(4);
    assertThat(offsets.committable()).hasValue(3);
    offsets.completed(3);
    assertThat(offsets.committable()).hasValue(5);
  }

  @Test
  void anOffsetIsCommittedOnceUnlessItsCommitFailed() {
    offsets.taken(0, new CompletableFuture<>());
    offsets.completed(0);
    assertThat(offsets.toCommit()).hasValue(1);
    offsets.committing(1);
    assertThat(offsets.toCommit()).isEmpty();
    offsets.commitFailed(1);
    assertThat(offsets.toCommit()).hasValue(1);
  }

  @Test
  void abandoningCancelsTheDeliveriesAndCommitsNothingPastThem() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    offsets.taken(7, first);
    offsets.taken(8, second);
    offsets.completed(8);

    assertThat(offsets.abandon()).isOne();
    assertThat(first).isCancelled();
    assertThat(second).isNotCancelled();
    assertThat(offsets.committable()).hasValue(7);
  }

  @Test
  void offsetsGoForwardOnly() {
    offsets.taken(5, new CompletableFuture<>());
    assertThatThrownBy(() -> offsets.taken(4, new CompletableFuture<>()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
