package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentIdsTest {

  @Test
  void aSecondAddOfAnIdIsRefused() {
    RecentIds ids = new RecentIds(RecentIds.CAPACITY);
    assertThat(ids.add(5)).isTrue();
    assertThat(ids.add(5)).isFalse();
    assertThat(ids.add(6)).isTrue();
  }

  @Test
  void memoryIsBoundedByForgettingTheOldest() {
    RecentIds ids = new RecentIds(RecentIds.CAPACITY);
    for (long id = 1; id <= 10_000; id++) {
      ids.add(id);
    }
    assertThat(ids.size()).isEqualTo(RecentIds.CAPACITY);
    assertThat(ids.contains(10_000 - RecentIds.CAPACITY)).isFalse();
    assertThat(ids.contains(10_000 - RecentIds.CAPACITY + 1)).isTrue();
    assertThat(ids.add(1)).as("forgotten, so new again").isTrue();
  }
}
