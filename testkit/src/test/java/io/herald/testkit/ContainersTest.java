package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The switch against Testcontainers' own engine lookup, on a machine without a container engine (as
 * the build machines are; skipped where an engine answers).
 */
class ContainersTest {

  @BeforeAll
  static void noEngine() {
    assumeFalse(
        DockerClientFactory.instance().isDockerAvailable(), "a container engine answers here");
  }

  @Test
  void askingForContainersWithoutAnEngineFailsWithTestcontainersReason() {
    var env = new TestEnvironment(Map.of(ContainerSwitch.VARIABLE, "true"), "dev");

    for (ThrowingStart start :
        new ThrowingStart[] {
          () -> RedisInstance.connect(env),
          () -> KafkaInstance.connect(env),
          () -> PostgresInstance.connect(env)
        }) {
      assertThatThrownBy(start::run)
          .isInstanceOfSatisfying(
              StartupFailure.class, failure -> assertThat(failure.failsEverywhere()).isTrue())
          .hasMessageStartingWith(
              "HERALD_TESTCONTAINERS=true asks for Redis, Kafka and PostgreSQL in Testcontainers,"
                  + " but no container engine answers: ")
          .hasMessageContaining("Start Docker or Podman");
    }
  }

  @Test
  void autoWithoutAnEngineKeepsTheLocalServers() throws Exception {
    assertThat(
            ContainerSwitch.containers(
                new TestEnvironment(Map.of(ContainerSwitch.VARIABLE, "auto"), "dev")))
        .isFalse();
    assertThat(ContainerSwitch.containers(new TestEnvironment(Map.of(), "dev"))).isFalse();
  }

  @FunctionalInterface
  private interface ThrowingStart {
    void run() throws Exception;
  }
}
