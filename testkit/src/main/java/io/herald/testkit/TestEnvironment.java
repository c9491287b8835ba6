package io.herald.testkit;

import java.util.Map;
import java.util.Optional;
import org.opentest4j.TestAbortedException;

/**
 * What the testkit reads from its surroundings, and the one policy that depends on it: a server
 * that cannot be started or reached fails the test on CI ({@code CI=true}) and aborts it (reported
 * as skipped) on a developer's machine.
 */
final class TestEnvironment {

  static final String REDIS_URL = "REDIS_URL";
  static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  static final String PG_URL = "PG_URL";

  private final Map<String, String> env;
  private final Map<String, String> properties;
  private final String userName;

  TestEnvironment(Map<String, String> env, String userName) {
    this(env, Map.of(), userName);
  }

  /**
   * @param properties the system properties the testkit reads ({@link ContainerSwitch#PROPERTY})
   */
  TestEnvironment(Map<String, String> env, Map<String, String> properties, String userName) {
    this.env = Map.copyOf(env);
    this.properties = Map.copyOf(properties);
    this.userName = userName;
  }

  static TestEnvironment system() {
    String containers = System.getProperty(ContainerSwitch.PROPERTY);
    return new TestEnvironment(
        System.getenv(),
        containers == null ? Map.of() : Map.of(ContainerSwitch.PROPERTY, containers),
        System.getProperty("user.name", ""));
  }

  /** The variable's value, or empty when it is unset or blank. */
  Optional<String> get(String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  /** The system property's value, or empty when it is unset or blank. */
  Optional<String> property(String name) {
    return Optional.ofNullable(properties.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  boolean ci() {
    return get("CI").map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(false);
  }

  boolean runsAsRoot() {
    return userName.equals("root");
  }

  /**
   * The exception to throw when a server is unavailable: {@link ServerUnavailableException} on CI,
   * or when {@code cause} is a {@link StartupFailure#failsEverywhere} one (the setup asked for what
   * cannot be had); {@link TestAbortedException} elsewhere.
   */
  RuntimeException unavailable(String message, Throwable cause) {
    if (ci() || (cause instanceof StartupFailure failure && failure.failsEverywhere())) {
      return new ServerUnavailableException(message, cause);
    }
    return new TestAbortedException(
        message + "\n(aborted rather than failed because CI is not true)", cause);
  }
}
