package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.testkit.ContainerSwitch.Mode;
import io.herald.testkit.ContainerSwitch.Source;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ContainerSwitchTest {

  private final AtomicInteger asked = new AtomicInteger();
  private final ContainerSwitch.Engine present =
      () -> {
        asked.incrementAndGet();
        return Optional.empty();
      };
  private final ContainerSwitch.Engine absent =
      () -> {
        asked.incrementAndGet();
        return Optional.of("Could not find a valid Docker environment");
      };

  private static Mode mode(Map<String, String> env, Map<String, String> properties)
      throws StartupFailure {
    return ContainerSwitch.mode(new TestEnvironment(env, properties, "dev"));
  }

  @Test
  void isOffUnlessAskedSoTheLocalServersRunAndNoEngineIsLookedFor() throws Exception {
    assertThat(mode(Map.of(), Map.of())).isEqualTo(Mode.OFF);
    assertThat(mode(Map.of("HERALD_TESTCONTAINERS", " "), Map.of())).isEqualTo(Mode.OFF);
    assertThat(mode(Map.of("HERALD_TESTCONTAINERS", "false"), Map.of())).isEqualTo(Mode.OFF);

    assertThat(ContainerSwitch.source(Mode.OFF, present, false)).isEqualTo(Source.LOCAL);
    assertThat(ContainerSwitch.source(Mode.OFF, present, true)).isEqualTo(Source.LOCAL);
    assertThat(asked).hasValue(0);
  }

  @Test
  void readsTheVariableAndLetsTheSystemPropertyWin() throws Exception {
    assertThat(mode(Map.of("HERALD_TESTCONTAINERS", "TRUE"), Map.of())).isEqualTo(Mode.ON);
    assertThat(mode(Map.of("HERALD_TESTCONTAINERS", "auto"), Map.of())).isEqualTo(Mode.AUTO);
    assertThat(mode(Map.of(), Map.of("herald.testcontainers", "true"))).isEqualTo(Mode.ON);
    assertThat(
            mode(Map.of("HERALD_TESTCONTAINERS", "true"), Map.of("herald.testcontainers", "false")))
        .isEqualTo(Mode.OFF);
  }

  @Test
  void refusesAnyOtherValueNamingTheSettingAndWhatItExpects() {
    assertThatThrownBy(() -> mode(Map.of("HERALD_TESTCONTAINERS", "yes"), Map.of()))
        .isInstanceOfSatisfying(
            StartupFailure.class, failure -> assertThat(failure.failsEverywhere()).isTrue())
        .hasMessage("HERALD_TESTCONTAINERS=yes (expected: true, false or auto)");
    assertThatThrownBy(() -> mode(Map.of(), Map.of("herald.testcontainers", "docker")))
        .hasMessage("-Dherald.testcontainers=docker (expected: true, false or auto)");
  }

  @Test
  void usesContainersWhenAskedAndAnEngineAnswers() throws Exception {
    assertThat(ContainerSwitch.source(Mode.ON, present, false)).isEqualTo(Source.CONTAINERS);
    assertThat(ContainerSwitch.source(Mode.AUTO, present, true)).isEqualTo(Source.CONTAINERS);
  }

  @Test
  void autoFallsBackOnTheLocalServersWithoutAnEngine() throws Exception {
    assertThat(ContainerSwitch.source(Mode.AUTO, absent, false)).isEqualTo(Source.LOCAL);
    assertThat(ContainerSwitch.source(Mode.AUTO, absent, true)).isEqualTo(Source.LOCAL);
  }

  @Test
  void askingForContainersWithoutAnEngineFailsEverywhereSayingWhyAndWhatToDo() {
    assertThatThrownBy(() -> ContainerSwitch.source(Mode.ON, absent, false))
        .isInstanceOfSatisfying(
            StartupFailure.class, failure -> assertThat(failure.failsEverywhere()).isTrue())
        .hasMessageContaining(
            "HERALD_TESTCONTAINERS=true asks for Redis, Kafka and PostgreSQL in Testcontainers,"
                + " but no container engine answers: Could not find a valid Docker environment")
        .hasMessageContaining("Start Docker or Podman")
        .hasMessageContaining("HERALD_TESTCONTAINERS=auto")
        .hasMessageNotContaining("CI=true");
  }

  @Test
  void onCiTheFailureSaysThatCiKeepsTheLocalServers() {
    assertThatThrownBy(() -> ContainerSwitch.source(Mode.ON, absent, true))
        .hasMessageContaining("CI=true: CI runs the local servers")
        .hasMessageContaining("do not set HERALD_TESTCONTAINERS there");
  }

  @Test
  void aFailureOfTheSetupFailsTheTestsOffCiToo() {
    StartupFailure failure = StartupFailure.everywhere("no engine");
    RuntimeException e =
        new TestEnvironment(Map.of(), "dev").unavailable("Redis is not available", failure);

    assertThat(e).isInstanceOf(ServerUnavailableException.class).hasCause(failure);
  }
}
