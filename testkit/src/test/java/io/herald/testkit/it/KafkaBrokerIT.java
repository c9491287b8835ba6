package io.herald.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@RealKafka
class KafkaBrokerIT {

  private static final int RECORDS = 20;

  @Test
  void deliversWhatWasProduced(KafkaBroker kafka) throws Exception {
    String topic = kafka.newTopic(3);
    Map<String, String> sent =
        IntStream.range(0, RECORDS)
            .boxed()
            .collect(Collectors.toMap(i -> "key-" + i, i -> "value-" + i));

    try (var producer =
        new KafkaProducer<>(
            producerConfig(kafka), new StringSerializer(), new StringSerializer())) {
      for (var record : sent.entrySet()) {
        producer
            .send(new ProducerRecord<>(topic, record.getKey(), record.getValue()))
            .get(30, TimeUnit.SECONDS);
      }
    }

    Map<String, String> received = new ConcurrentHashMap<>();
    try (var consumer =
        new KafkaConsumer<>(
            consumerConfig(kafka), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInSameThread()
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(r -> received.put(r.key(), r.value()));
                return received.size() >= RECORDS;
              });
    }

    assertThat(received).isEqualTo(sent);
  }

  @Test
  void makesTopicsAndGroupsOfTheTestsOwn(KafkaBroker kafka) {
    String first = kafka.newTopic();
    String second = kafka.newTopic(2);

    assertThat(first).isNotEqualTo(second).startsWith("test-").matches("[a-z0-9-]+");
    assertThat(kafka.newGroupId()).isNotEqualTo(kafka.newGroupId());
    assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
  }

  private static Map<String, Object> producerConfig(KafkaBroker kafka) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG,
        "all");
  }

  private static Map<String, Object> consumerConfig(KafkaBroker kafka) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, kafka.newGroupId(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
  }
}
