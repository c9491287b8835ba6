package io.herald.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstanceIdTest {

  @Test
  void isTheHostNameAndThePort() {
    assertThat(InstanceId.of("herald-job-7d9f8-x2kqp", 3129))
        .isEqualTo("herald-job-7d9f8-x2kqp-3129");
    assertThat(InstanceId.of("job-1.eu-west.internal", 3129))
        .isEqualTo("job-1.eu-west.internal-3129");
  }

  @Test
  void replacesWhatKafkaRefusesAndStaysWithinItsLength() {
    assertThat(InstanceId.of("job 1:eu/west", 8080)).isEqualTo("job-1-eu-west-8080");
    String derived = InstanceId.of("h".repeat(400), 65535);
    assertThat(derived).hasSizeLessThanOrEqualTo(249).endsWith("h-65535");
  }

  @Test
  void isFoundForThisHost() {
    assertThat(InstanceId.ofThisHost(3129))
        .hasValueSatisfying(id -> assertThat(id).endsWith("-3129"));
  }
}
