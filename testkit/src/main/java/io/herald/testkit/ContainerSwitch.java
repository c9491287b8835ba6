package io.herald.testkit;

import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the testkit takes its Redis, Kafka and PostgreSQL from Testcontainers or starts the local
 * servers, decided from the switch and the container engine; pure, so the decision is unit-tested
 * without an engine.
 *
 * <p>The switch is the system property {@value #PROPERTY} or, when that is unset, the environment
 * variable {@value #VARIABLE}:
 *
 * <ul>
 *   <li>unset, blank or {@code false}: the local servers (what CI runs);
 *   <li>{@code true}: containers, and an engine is required: without one every test that needs a
 *       server fails (on a developer's machine too, since containers were asked for by name), and
 *       on CI ({@code CI=true}) the message says that CI keeps the local servers;
 *   <li>{@code auto}: containers when an engine answers, the local servers otherwise.
 * </ul>
 *
 * <p>A server named by its own variable ({@code REDIS_URL}, {@code KAFKA_BOOTSTRAP_SERVERS}, {@code
 * PG_URL}) is used as it is, whatever the switch says.
 */
final class ContainerSwitch {
  private static final Logger LOGGER = LoggerFactory.getLogger(ContainerSwitch.class);

  static final String VARIABLE = "HERALD_TESTCONTAINERS";
  static final String PROPERTY = "herald.testcontainers";

  /** What the switch asks for. */
  enum Mode {
    OFF,
    AUTO,
    ON
  }

  /** Where the servers come from. */
  enum Source {
    LOCAL,
    CONTAINERS
  }

  /** A container engine as Testcontainers finds it. */
  @FunctionalInterface
  interface Engine {
    /** Empty when an engine answers, else why none does. */
    Optional<String> unreachable();
  }

  private ContainerSwitch() {}

  /**
   * Whether this JVM's tests take their servers from containers, asking Testcontainers for an
   * engine only when the switch is on or auto ({@link Containers} is not loaded otherwise).
   */
  static boolean containers(TestEnvironment env) throws StartupFailure {
    Mode mode = mode(env);
    // A lambda, not a method reference: linking a method reference would load Containers (and
    // Testcontainers) even when the switch is off.
    Source source = source(mode, () -> Containers.engineUnreachable(), env.ci());
    if (mode == Mode.AUTO && source == Source.LOCAL) {
      LOGGER.info("{}=auto and no container engine answers: the local servers are used", VARIABLE);
    }
    return source == Source.CONTAINERS;
  }

  /**
   * The mode the property (which wins) or the variable asks for.
   *
   * @throws StartupFailure naming the setting when its value is none of true, false, auto
   */
  static Mode mode(TestEnvironment env) throws StartupFailure {
    Optional<String> property = env.property(PROPERTY);
    if (property.isPresent()) {
      return parse("-D" + PROPERTY, property.get());
    }
    Optional<String> variable = env.get(VARIABLE);
    return variable.isPresent() ? parse(VARIABLE, variable.get()) : Mode.OFF;
  }

  private static Mode parse(String setting, String value) throws StartupFailure {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "false" -> Mode.OFF;
      case "true" -> Mode.ON;
      case "auto" -> Mode.AUTO;
      default ->
          throw StartupFailure.everywhere(
              setting + "=" + value + " (expected: true, false or auto)");
    };
  }

  /**
   * Where the servers come from under {@code mode}; asks {@code engine} only when the mode is not
   * {@link Mode#OFF}.
   *
   * @throws StartupFailure that fails tests everywhere, when containers were asked for ({@link
   *     Mode#ON}) and no engine answers
   */
  static Source source(Mode mode, Engine engine, boolean ci) throws StartupFailure {
    if (mode == Mode.OFF) {
      return Source.LOCAL;
    }
    Optional<String> unreachable = engine.unreachable();
    if (unreachable.isEmpty()) {
      return Source.CONTAINERS;
    }
    if (mode == Mode.AUTO) {
      return Source.LOCAL;
    }
    throw StartupFailure.everywhere(
        VARIABLE
            + "=true asks for Redis, Kafka and PostgreSQL in Testcontainers, but no container"
            + " engine answers: "
            + unreachable.get()
            + "\nStart Docker or Podman (or point DOCKER_HOST at one), set "
            + VARIABLE
            + "=auto to fall back on the local servers, or unset it."
            + (ci
                ? "\nCI=true: CI runs the local servers (redis-server, the Kafka jars, PostgreSQL);"
                    + " do not set "
                    + VARIABLE
                    + " there."
                : ""));
  }
}
