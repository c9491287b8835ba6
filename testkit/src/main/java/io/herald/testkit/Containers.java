package io.herald.testkit;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Redis, Kafka and PostgreSQL from Testcontainers, for when {@link ContainerSwitch} says so: each
 * started here and then reached as the server its own variable ({@code REDIS_URL}...) would name.
 * This class, and with it Testcontainers, is loaded only when the switch is not off: the local
 * servers' path never touches them.
 */
final class Containers {
  private static final Logger LOGGER = LoggerFactory.getLogger(Containers.class);

  /** The versions the local servers run on the build machines (Debian 12's, the testkit's jars). */
  static final String REDIS_IMAGE = "redis:7.0.15";

  static final String KAFKA_IMAGE = "apache/kafka:4.0.0";
  static final String POSTGRES_IMAGE = "postgres:15.10";

  /** Testcontainers' engine lookup, asked once per test JVM. */
  private static final MemoizedEngine ENGINE = new MemoizedEngine();

  private Containers() {}

  /** A container started, where it answers, and how to stop it. */
  record Started(String address, AutoCloseable container) {}

  /** Empty when Testcontainers finds a container engine, else its reason. */
  static Optional<String> engineUnreachable() {
    return ENGINE.unreachable();
  }

  /** A Redis container; its address is a {@code redis://host:port} URI. */
  static Started redis() throws StartupFailure {
    GenericContainer<?> redis =
        new GenericContainer<>(DockerImageName.parse(REDIS_IMAGE))
            .withCommand("redis-server", "--save", "", "--appendonly", "no")
            .withExposedPorts(6379)
            .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
    start(redis, "Redis");
    return new Started("redis://" + redis.getHost() + ":" + redis.getMappedPort(6379), redis::stop);
  }

  /** A KRaft Kafka container; its address is the bootstrap servers. */
  static Started kafka() throws StartupFailure {
    KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
    start(kafka, "Kafka");
    return new Started(kafka.getBootstrapServers(), kafka::stop);
  }

  /**
   * A PostgreSQL container; its address is a JDBC URL carrying the user and password, as {@code
   * PG_URL} does.
   */
  static Started postgres() throws StartupFailure {
    PostgreSQLContainer postgres = new PostgreSQLContainer(DockerImageName.parse(POSTGRES_IMAGE));
    start(postgres, "PostgreSQL");
    String url =
        "jdbc:postgresql://"
            + postgres.getHost()
            + ":"
            + postgres.getMappedPort(5432)
            + "/"
            + postgres.getDatabaseName()
            + "?user="
            + postgres.getUsername()
            + "&password="
            + postgres.getPassword();
    return new Started(url, postgres::stop);
  }

  /** Stops a started container, logging what goes wrong instead of throwing. */
  static void stop(Started started) {
    stop(started.container());
  }

  static void stop(AutoCloseable container) {
    try {
      container.close();
    } catch (Exception e) {
      LOGGER.warn("cannot stop container {}: {}", container, e.toString());
    }
  }

  private static void start(GenericContainer<?> container, String name) throws StartupFailure {
    try {
      container.start();
    } catch (RuntimeException e) {
      container.stop();
      throw new StartupFailure(
          name + " container (" + container.getDockerImageName() + ") did not start: " + e, e);
    }
  }

  /** Testcontainers' answer to "is there an engine?", with its reason when there is none. */
  private static final class MemoizedEngine implements ContainerSwitch.Engine {
    private Optional<String> answer;

    @Override
    public synchronized Optional<String> unreachable() {
      if (answer == null) {
        answer = ask();
      }
      return answer;
    }

    private static Optional<String> ask() {
      try {
        var unused = DockerClientFactory.instance().client();
        return Optional.empty();
      } catch (RuntimeException e) {
        return Optional.of(String.valueOf(e.getMessage()));
      }
    }
  }
}
