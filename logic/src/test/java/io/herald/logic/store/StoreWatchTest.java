package io.herald.logic.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class StoreWatchTest {
  private static final Duration WINDOW = Duration.ofSeconds(30);

  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<String> resets = new ArrayList<>();
  private Supplier<CompletableFuture<String>> store = () -> CompletableFuture.completedFuture("a");
  private final StoreWatch watch =
      new StoreWatch(
          () -> store.get(), Duration.ofSeconds(1), Duration.ofSeconds(2), clock, meters);

  StoreWatchTest() {
    watch.onReset(resets::add);
  }

  @Test
  void beforeTheFirstCheckTheStoreIsNotKnownToBeUpAndWasNeverReset() {
    assertThat(watch.status().up()).isFalse();
    assertThat(watch.incarnation()).isEmpty();
    assertThat(watch.resetWithin(WINDOW)).isFalse();
  }

  @Test
  void aStoreThatAnswersIsUpAndItsFirstIncarnationIsNoReset() {
    watch.check();

    assertThat(watch.status()).isEqualTo(new StoreWatch.Status(true, ""));
    assertThat(watch.incarnation()).isEqualTo("a");
    assertThat(watch.resetWithin(WINDOW)).isFalse();
    assertThat(resets).isEmpty();
    assertThat(meters.get("herald.logic.store.up").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void aStoreThatFailsIsDownWithTheReasonAndTheIncarnationKept() {
    watch.check();
    store = () -> CompletableFuture.failedFuture(new IllegalStateException("connection refused"));

    watch.check();

    assertThat(watch.status()).isEqualTo(new StoreWatch.Status(false, "connection refused"));
    assertThat(watch.incarnation()).isEqualTo("a");
    assertThat(meters.get("herald.logic.store.up").gauge().value()).isZero();
  }

  @Test
  void aStoreThatDoesNotAnswerInTimeIsDown() {
    store = CompletableFuture::new;

    watch.check();

    assertThat(watch.status().up()).isFalse();
    assertThat(watch.status().detail()).isEqualTo("no answer within 2s");
  }

  @Test
  void aNewIncarnationIsAResetToldToListenersAndRememberedForAWindow() {
    watch.check();
    store = () -> CompletableFuture.completedFuture("b");

    watch.check();
    watch.check();

    assertThat(resets).containsExactly("b");
    assertThat(meters.get("herald.logic.store.resets").counter().count()).isOne();
    assertThat(watch.resetWithin(WINDOW)).isTrue();
    clock.advance(WINDOW);
    assertThat(watch.resetWithin(WINDOW)).isFalse();
  }
}
