package io.herald.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsumerStatusTest {
  private final ManualClock clock = new ManualClock();
  private final ConsumerStatus status = new ConsumerStatus(clock, 300_000);

  @Test
  void aConsumerWhoseLoopComesRoundIsLiveWhateverItOwns() {
    assertThat(status.state()).isEqualTo(ConsumerState.NEW);
    assertThat(status.live()).isTrue();
    status.moved(ConsumerState.JOINING);
    clock.advance(Duration.ofMinutes(4));
    status.looped();
    status.moved(ConsumerState.CONSUMING);
    clock.advance(Duration.ofMinutes(4));

    assertThat(status.live()).isTrue();
  }

  @Test
  void aLoopStuckPastMaxPollIntervalIsNotLive() {
    status.moved(ConsumerState.JOINING);
    status.moved(ConsumerState.CONSUMING);
    clock.advance(Duration.ofMinutes(5));
    assertThat(status.live()).isTrue();

    clock.advance(Duration.ofMillis(1));
    assertThat(status.live()).isFalse();

    status.looped();
    assertThat(status.live()).isTrue();
  }

  @Test
  void aFailedConsumerIsNotLiveAndAFencedOneIs() {
    status.moved(ConsumerState.JOINING);
    status.moved(ConsumerState.FENCED);
    clock.advance(Duration.ofHours(1));
    assertThat(status.live()).as("a restart would fence the Job that took its id").isTrue();

    status.moved(ConsumerState.FAILED);
    assertThat(status.live()).isFalse();
  }

  @Test
  void aStoppedConsumerIsLive() {
    status.moved(ConsumerState.JOINING);
    status.moved(ConsumerState.STOPPED);
    clock.advance(Duration.ofHours(1));

    assertThat(status.live()).isTrue();
  }
}
