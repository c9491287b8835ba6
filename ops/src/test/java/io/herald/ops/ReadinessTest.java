package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  @Test
  void readyWhenEveryCheckPasses() {
    Readiness readiness =
        new Readiness(
            List.of(
                new Readiness.Check("server", () -> null), new Readiness.Check("b", () -> null)));

    Health health = readiness.health();

    assertThat(health.up()).isTrue();
    assertThat(health.json())
        .isEqualTo("{\"status\":\"up\",\"checks\":{\"server\":\"ok\",\"b\":\"ok\"}}");
  }

  @Test
  void aFailingCheckNamesWhyAndTheOthersStayOk() {
    Readiness readiness =
        new Readiness(
            List.of(
                new Readiness.Check("session_store", () -> "no answer within 2s"),
                new Readiness.Check("registry", () -> null)));

    Health health = readiness.health();

    assertThat(health.httpStatus()).isEqualTo(503);
    assertThat(health.json())
        .isEqualTo(
            "{\"status\":\"down\",\"checks\":{\"session_store\":\"down: no answer within 2s\","
                + "\"registry\":\"ok\"}}");
  }

  @Test
  void aCheckThatThrowsIsDownWithWhatItThrew() {
    Readiness readiness =
        new Readiness(
            List.of(
                new Readiness.Check(
                    "message_ids",
                    () -> {
                      throw new IllegalStateException("boom");
                    })));

    assertThat(readiness.states())
        .containsEntry("message_ids", "down: check failed: java.lang.IllegalStateException: boom");
    assertThat(readiness.health().up()).isFalse();
  }
}
