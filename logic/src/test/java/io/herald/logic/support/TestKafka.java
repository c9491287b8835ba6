package io.herald.logic.support;

import io.herald.logic.kafka.KafkaProducerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

/** Kafka for push tests: producer settings that fail fast, and a broker address that is dead. */
public final class TestKafka {
  private TestKafka() {}

  /** Kafka settings for a test topic, failing fast when the broker is gone. */
  public static KafkaProducerConfig producer(String bootstrapServers, String topic) {
    return new KafkaProducerConfig(
        bootstrapServers,
        topic,
        "push-test",
        Duration.ofMillis(800),
        Duration.ofMillis(800),
        Duration.ofMillis(1500),
        Duration.ofMillis(1),
        Map.of());
  }

  /** {@code 127.0.0.1:<port>} where nothing listens. */
  public static String deadBroker() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
