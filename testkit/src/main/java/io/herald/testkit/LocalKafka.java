package io.herald.testkit;

/**
 * A Kafka for programs outside JUnit (the benchmarks): the cluster at {@code
 * KAFKA_BOOTSTRAP_SERVERS}, or a KRaft broker started in a JVM of its own, exactly as {@link
 * RealKafka} gives tests. {@link #close()} stops a broker it started.
 */
public final class LocalKafka implements AutoCloseable {
  private final KafkaInstance instance;
  private final KafkaBroker broker;

  private LocalKafka(KafkaInstance instance, String namePrefix) {
    this.instance = instance;
    this.broker = new KafkaBroker(instance.bootstrapServers(), instance.admin(), namePrefix);
  }

  /**
   * Connects or starts a broker; waits until it answers.
   *
   * @param namePrefix prefix of the topics and groups it creates
   * @throws IllegalStateException naming what failed
   */
  public static LocalKafka start(String namePrefix) {
    try {
      return new LocalKafka(KafkaInstance.connect(TestEnvironment.system()), namePrefix);
    } catch (StartupFailure e) {
      throw new IllegalStateException("Kafka: " + e.getMessage(), e);
    }
  }

  /**
   * Starts a KRaft broker in a JVM of its own with clients on 127.0.0.1:{@code port} (a document
   * that names a fixed port, such as the quickstart's 9092), whatever {@code
   * KAFKA_BOOTSTRAP_SERVERS} says; waits until it answers.
   *
   * @throws IllegalStateException naming what failed (a port in use among others)
   */
  public static LocalKafka startOn(int port, String namePrefix) {
    try {
      return new LocalKafka(KafkaInstance.start(port), namePrefix);
    } catch (StartupFailure e) {
      throw new IllegalStateException("Kafka: " + e.getMessage(), e);
    }
  }

  /** The broker: its bootstrap servers, and new topics and group ids on it. */
  public KafkaBroker broker() {
    return broker;
  }

  @Override
  public void close() {
    instance.close();
  }
}
