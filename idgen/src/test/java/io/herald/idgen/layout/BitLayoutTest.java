package io.herald.idgen.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BitLayoutTest {
  @Test
  void snowflakeAndSonyflakeHaveTheSeedsFieldSizes() {
    assertThat(BitLayout.SNOWFLAKE.workerCount()).isEqualTo(1024);
    assertThat(BitLayout.SNOWFLAKE.maxSequence()).isEqualTo(4095);
    assertThat(BitLayout.SNOWFLAKE.maxTime()).isEqualTo((1L << 41) - 1);
    assertThat(BitLayout.SONYFLAKE.workerCount()).isEqualTo(65_536);
    assertThat(BitLayout.SONYFLAKE.maxSequence()).isEqualTo(255);
    assertThat(BitLayout.SONYFLAKE.unitMillis()).isEqualTo(10);
  }

  @Test
  void bitsMustAddUpTo63() {
    assertThatThrownBy(() -> new BitLayout("custom", 41, 1, 10, 13, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("custom: timeBits 41 + workerBits 10 + sequenceBits 13 = 64 (expected: 63)");
    assertThatThrownBy(() -> new BitLayout("custom", 63, 1, 0, 0, false))
        .hasMessage("workerBits: 0 (expected: > 0)");
    assertThatThrownBy(() -> new BitLayout("custom", 41, 0, 10, 12, false))
        .hasMessage("custom: unitMillis 0 (expected: > 0)");
  }

  @Test
  void fieldsComeBackOutOfBothLayouts() {
    for (BitLayout layout : new BitLayout[] {BitLayout.SNOWFLAKE, BitLayout.SONYFLAKE}) {
      long time = layout.maxTime();
      int worker = layout.workerCount() - 1;
      long sequence = layout.maxSequence();
      long id = layout.compose(time, worker, sequence);
      assertThat(id).isEqualTo(Long.MAX_VALUE); // every bit below the sign bit used
      assertThat(layout.timeOf(id)).isEqualTo(time);
      assertThat(layout.workerOf(id)).isEqualTo(worker);
      assertThat(layout.sequenceOf(id)).isEqualTo(sequence);

      long small = layout.compose(12_345, 7, 3);
      assertThat(layout.timeOf(small)).isEqualTo(12_345);
      assertThat(layout.workerOf(small)).isEqualTo(7);
      assertThat(layout.sequenceOf(small)).isEqualTo(3);
    }
  }

  @Test
  void snowflakePutsTheWorkerAboveTheSequenceSonyflakeBelow() {
    assertThat(BitLayout.SNOWFLAKE.compose(1, 1, 1)).isEqualTo((1L << 22) | (1L << 12) | 1);
    assertThat(BitLayout.SONYFLAKE.compose(1, 1, 1)).isEqualTo((1L << 24) | (1L << 16) | 1);
  }

  @Test
  void explainingRejectsNonPositiveIds() {
    assertThatThrownBy(() -> IdFields.of(BitLayout.SNOWFLAKE, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id: 0 (expected: > 0)");
  }
}
