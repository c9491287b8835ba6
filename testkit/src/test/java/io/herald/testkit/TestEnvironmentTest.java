package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class TestEnvironmentTest {

  private final StartupFailure failure = new StartupFailure("redis-server exited");

  @Test
  void failsOnCi() {
    var env = new TestEnvironment(Map.of("CI", "true"), "builder");

    RuntimeException e = env.unavailable("Redis is not available", failure);

    assertThat(e)
        .isInstanceOf(ServerUnavailableException.class)
        .hasMessage("Redis is not available")
        .hasCause(failure);
  }

  @Test
  void acceptsTheUsualSpellingsOfTrue() {
    assertThat(new TestEnvironment(Map.of("CI", "TRUE"), "u").ci()).isTrue();
    assertThat(new TestEnvironment(Map.of("CI", "1"), "u").ci()).isTrue();
    assertThat(new TestEnvironment(Map.of("CI", "false"), "u").ci()).isFalse();
  }

  @Test
  void abortsElsewhere() {
    for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("CI", "false"))) {
      RuntimeException e =
          new TestEnvironment(env, "dev").unavailable("Redis is not available", failure);

      assertThat(e)
          .isInstanceOf(TestAbortedException.class)
          .hasMessageStartingWith("Redis is not available")
          .hasMessageContaining("CI is not true")
          .hasCause(failure);
    }
  }

  @Test
  void treatsBlankVariablesAsUnset() {
    var env =
        new TestEnvironment(Map.of("REDIS_URL", "  ", "PG_URL", " jdbc:postgresql://h/db "), "dev");

    assertThat(env.get(TestEnvironment.REDIS_URL)).isEmpty();
    assertThat(env.get(TestEnvironment.PG_URL)).contains("jdbc:postgresql://h/db");
    assertThat(env.get(TestEnvironment.KAFKA_BOOTSTRAP_SERVERS)).isEmpty();
  }

  @Test
  void knowsRoot() {
    assertThat(new TestEnvironment(Map.of(), "root").runsAsRoot()).isTrue();
    assertThat(new TestEnvironment(Map.of(), "postgres").runsAsRoot()).isFalse();
  }
}
