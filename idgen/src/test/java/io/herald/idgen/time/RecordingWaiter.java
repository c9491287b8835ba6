package io.herald.idgen.time;

import io.herald.testkit.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Waits by moving the manual clock to the target, and remembers each target. */
final class RecordingWaiter implements TimeWaiter {
  final List<Long> targets = new ArrayList<>();

  @Override
  public void awaitMillis(Clock clock, long targetMillis) {
    targets.add(targetMillis);
    ManualClock manual = (ManualClock) clock;
    long behind = targetMillis - manual.millis();
    if (behind > 0) {
      manual.advance(Duration.ofMillis(behind));
    }
  }
}
