package io.herald.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The extension behind {@link RealKafka}. */
final class KafkaExtension extends RealServerExtension<KafkaInstance, KafkaBroker> {

  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaExtension.class);

  KafkaExtension() {
    super(
        KafkaInstance.class,
        KafkaBroker.class,
        "Kafka",
        "The testkit starts a broker from the kafka_2.13 jars Maven resolved when it built the"
            + " testkit (./mvnw -pl testkit install) unless "
            + TestEnvironment.KAFKA_BOOTSTRAP_SERVERS
            + " names a running cluster (e.g. 127.0.0.1:9092).");
  }

  @Override
  KafkaInstance start(TestEnvironment env) throws StartupFailure {
    return KafkaInstance.connect(env);
  }

  @Override
  View<KafkaBroker> open(KafkaInstance server, ExtensionContext context) {
    var broker =
        new KafkaBroker(
            server.bootstrapServers(), server.admin(), "test-" + UniqueNames.next(context));
    return new View<>(
        broker,
        () -> {
          try {
            broker.deleteTopics();
          } catch (Exception e) {
            LOGGER.warn("cannot delete the topics of {}: {}", broker, e.toString());
          }
        });
  }
}
