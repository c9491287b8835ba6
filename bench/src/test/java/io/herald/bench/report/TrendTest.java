package io.herald.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrendTest {
  private static final double[] MINUTES = {0, 60, 120, 180, 240, 300, 360, 420, 480};

  @Test
  void aRiseInTheFirstHalfOnlyIsFlat() {
    // Warm-up: 10 -> 100 in the first half, then steady.
    double[] values = {10, 40, 80, 100, 100, 100, 100, 100, 100};

    Trend trend = Trend.of(MINUTES, values, 0.05, 1);

    assertThat(trend.slopePerHour()).isZero();
    assertThat(trend.flat()).isTrue();
    assertThat(trend.verdict()).isEqualTo("flat");
    assertThat(trend.start()).isEqualTo(10);
    assertThat(trend.end()).isEqualTo(100);
  }

  @Test
  void aSteadyClimbInTheSecondHalfIsGrowing() {
    // +1 per minute throughout: the second half (240..480 s) rises by 4 against 5 % of ~6.
    double[] values = {0, 1, 2, 3, 4, 5, 6, 7, 8};

    Trend trend = Trend.of(MINUTES, values, 0.05, 1);

    assertThat(trend.slopePerHour()).isCloseTo(60, within(1e-9));
    assertThat(trend.growth()).isCloseTo(4, within(1e-9));
    assertThat(trend.tolerance()).isEqualTo(1);
    assertThat(trend.verdict()).isEqualTo("GROWING");
  }

  @Test
  void aFallIsNotALeak() {
    double[] values = {50, 50, 50, 50, 50, 40, 30, 20, 10};

    Trend trend = Trend.of(MINUTES, values, 0.05, 1);

    assertThat(trend.flat()).isFalse();
    assertThat(trend.growing()).isFalse();
    assertThat(trend.verdict()).isEqualTo("falling");
  }

  @Test
  void theToleranceIsTheLargerOfTheShareAndTheFloor() {
    double[] values = {1000, 1000, 1000, 1000, 1000, 1010, 1020, 1030, 1040};

    assertThat(Trend.of(MINUTES, values, 0.05, 1).flat()).isTrue(); // 40 <= 5 % of ~1020
    assertThat(Trend.of(MINUTES, values, 0.01, 1).verdict()).isEqualTo("GROWING");
    assertThat(Trend.of(MINUTES, values, 0.01, 50).flat()).isTrue();
  }

  @Test
  void needsTwoSamplesOfEqualLength() {
    assertThatThrownBy(() -> Trend.of(new double[] {0}, new double[] {1}, 0.05, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: the same, >= 2");
  }

  @Test
  void chartsArePngFiles(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("chart.png");

    LineChart.write(
        png, "Heap", "MiB", MINUTES, Map.of("comet", new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));

    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void axesEndOnRoundValues() {
    assertThat(LineChart.niceCeiling(0)).isZero();
    assertThat(LineChart.niceCeiling(7)).isEqualTo(10);
    assertThat(LineChart.niceCeiling(1300)).isEqualTo(2000);
    assertThat(LineChart.niceCeiling(2100)).isEqualTo(2500);
    assertThat(LineChart.niceCeiling(0.3)).isCloseTo(0.5, within(1e-12));
  }
}
