package io.herald.logic.im;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StoreCallsTest {

  @Test
  void readersHoldAtMostHalfTheThreadsAndAFullReadQueueLeavesWritesAlone() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    try (StoreCalls calls = new StoreCalls(4, 1)) {
      // 2 reader threads (half of 4), 1 waiting: the fourth read is refused at once
      CompletableFuture<?> first = calls.read(() -> block(started, release));
      CompletableFuture<?> second = calls.read(() -> block(null, release));
      CompletableFuture<?> queued = calls.read(() -> "queued");
      CompletableFuture<?> refused = calls.read(() -> "refused");
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(refused)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(RejectedExecutionException.class);

      // writes still run while every reader is busy
      assertThat(calls.run(() -> "sent")).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("sent");
      assertThat(queued).isNotDone();

      release.countDown();
      assertThat(first).succeedsWithin(Duration.ofSeconds(10));
      assertThat(second).succeedsWithin(Duration.ofSeconds(10));
      assertThat(queued).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("queued");
    }
  }

  private static String block(CountDownLatch started, CountDownLatch release) {
    if (started != null) {
      started.countDown();
    }
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "read";
  }
}
