package io.herald.logic.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RoomRoutesTest {
  private final ManualClock clock = new ManualClock();
  private final InMemoryRoomIndex index = new InMemoryRoomIndex(clock, Duration.ofSeconds(3));

  @Test
  void aRoomGoesToTheCometsTheIndexNames() {
    index.hold("comet-a", List.of("live://1")).join();
    RoomRoutes routes = new RoomRoutes(index, () -> false, Set::of, new SimpleMeterRegistry());

    assertThat(routes.servers("live://1").join()).contains(Set.of("comet-a"));
  }

  /**
   * Found by the failure suite: Logic killed for longer than the index's TTL, the Comets' entries
   * lapsed; once Logic ran again, room pushes were answered 0 and sent to no Comet until each
   * Comet's next report. A registered Comet without a live report gets them all.
   */
  @Test
  void aRegisteredCometWhoseEntriesMayHaveLapsedGetsEveryRoomPush() {
    index.hold("comet-a", List.of("live://1")).join();
    index.hold("comet-b", List.of("live://1")).join();
    clock.advance(Duration.ofSeconds(10)); // no report for longer than the TTL: both lapsed
    AtomicReference<Set<String>> unvouched = new AtomicReference<>(Set.of("comet-a", "comet-b"));
    RoomRoutes routes =
        new RoomRoutes(index, () -> false, unvouched::get, new SimpleMeterRegistry());

    assertThat(routes.servers("live://1").join()).contains(Set.of("comet-a", "comet-b"));

    index.hold("comet-a", List.of("live://2")).join(); // comet-a reports again, without room 1
    unvouched.set(Set.of("comet-b"));
    assertThat(routes.servers("live://1").join()).isEqualTo(Optional.of(Set.of("comet-b")));
  }
}
