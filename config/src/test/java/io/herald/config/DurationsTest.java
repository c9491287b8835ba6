package io.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "250ms,250",
    "250,250",
    "30s,30000",
    "5m,300000",
    "2h,7200000",
    "1d,86400000",
    "PT1.5S,1500",
    "' 10 s ',10000"
  })
  void parses(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({"1500,1500ms", "30000,30s", "300000,5m", "7200000,2h", "0,0ms"})
  void formatsTheShortestExactForm(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> Durations.parse("-5s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'-5s' is not a duration");
  }
}
