package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.proto.registry.v1.CometNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OwnRecordWatchTest {
  private final AtomicInteger lost = new AtomicInteger();
  private final OwnRecordWatch watch = new OwnRecordWatch("me", lost::incrementAndGet);

  private static CometNode node(String id) {
    return CometNode.newBuilder().setServerId(id).build();
  }

  @Test
  void itsRecordMissingBeforeItWasEverSeenMeansNothing() {
    watch.onChange(List.of());
    watch.onChange(List.of(node("other")));

    assertThat(lost).hasValue(0);
  }

  @Test
  void itsRecordDisappearingIsToldOncePerDisappearance() {
    watch.onChange(List.of(node("me"), node("other")));
    watch.onChange(List.of(node("other")));
    watch.onChange(List.of());
    watch.onChange(List.of(node("me")));
    watch.onChange(List.of());

    assertThat(lost).hasValue(2);
  }
}
