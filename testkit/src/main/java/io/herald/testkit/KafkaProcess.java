package io.herald.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A Kafka broker of one test's own (single-node KRaft, in its own JVM), that the test may stop and
 * start again on the same ports with the same data, or kill: what an operator sees when Kafka goes
 * away and comes back. Unlike {@link RealKafka}'s shared broker, nothing else uses it. Stop it with
 * {@link #close()}; a test JVM that dies leaves none behind ({@link OrphanReaper}).
 */
public final class KafkaProcess implements AutoCloseable {
  private static final String SCRATCH_PREFIX = "herald-kafka-own-";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final ScratchDirectory directory;
  private final KafkaBrokerProcess broker;

  private KafkaProcess(ScratchDirectory directory, KafkaBrokerProcess broker) {
    this.directory = directory;
    this.broker = broker;
  }

  /**
   * Formats a broker's storage, starts it and waits until it serves.
   *
   * @throws ServerUnavailableException if it cannot
   */
  public static KafkaProcess start() {
    OrphanReaper.reap(SCRATCH_PREFIX);
    ScratchDirectory directory = null;
    try {
      directory = ScratchDirectory.create(SCRATCH_PREFIX);
      KafkaBrokerProcess broker = KafkaBrokerProcess.start(directory);
      directory.recordServer(broker.pid());
      KafkaProcess kafka = new KafkaProcess(directory, broker);
      kafka.awaitServing();
      return kafka;
    } catch (StartupFailure e) {
      if (directory != null) {
        directory.close();
      }
      throw new ServerUnavailableException(e.getMessage(), e);
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** Creates {@code topic} with {@code partitions} partitions. */
  public void createTopic(String topic, int partitions) {
    try (Admin admin = KafkaInstance.admin(bootstrapServers())) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
    }
  }

  /** Stops the broker as an operator does (SIGTERM, then SIGKILL after 10 s). */
  public void stop() {
    broker.stop();
  }

  /** Kills the broker outright (SIGKILL). */
  public void kill() {
    broker.kill();
  }

  /** Starts the broker again, on its ports and its data, and waits until it serves. */
  public void restart() {
    try {
      broker.restart();
      directory.recordServer(broker.pid());
      awaitServing();
    } catch (StartupFailure e) {
      throw new ServerUnavailableException(e.getMessage(), e);
    }
  }

  private void awaitServing() throws StartupFailure {
    broker.awaitListening(STARTUP_TIMEOUT);
    try (Admin admin = KafkaInstance.admin(bootstrapServers())) {
      broker.awaitReady(
          "the Kafka broker on " + bootstrapServers() + " describes its cluster",
          STARTUP_TIMEOUT,
          () -> KafkaInstance.hasNodes(admin));
    }
  }

  @Override
  public void close() {
    broker.stop();
    directory.close();
  }

  @Override
  public String toString() {
    return bootstrapServers() + " (broker pid " + broker.pid() + ")";
  }
}
