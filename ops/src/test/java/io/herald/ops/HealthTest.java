package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthTest {
  @Test
  void upIs200WithItsStatus() {
    assertThat(Health.of(true).httpStatus()).isEqualTo(200);
    assertThat(Health.of(true).json()).isEqualTo("{\"status\":\"up\"}");
  }

  @Test
  void downIs503WithItsStatus() {
    assertThat(Health.of(false).httpStatus()).isEqualTo(503);
    assertThat(Health.of(false).json()).isEqualTo("{\"status\":\"down\"}");
  }

  @Test
  void detailsFollowTheStatusInTheirOrder() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", "consuming");
    details.put("partitions", 3);
    details.put("instanceId", "job-\"1\"");

    assertThat(new Health(true, details).json())
        .isEqualTo(
            "{\"status\":\"up\",\"state\":\"consuming\",\"partitions\":3,"
                + "\"instanceId\":\"job-\\\"1\\\"\"}");
  }
}
