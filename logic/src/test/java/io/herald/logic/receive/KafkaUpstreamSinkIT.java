package io.herald.logic.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.herald.config.ConfigLoader;
import io.herald.logic.server.LogicConfig;
import io.herald.proto.logic.v1.ReceiveRequest;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Upstream messages through a real Kafka broker with the sink deploy/logic.yaml configures ({@code
 * receive.sink: kafka}, every producer setting at its default), read back from the topic as a
 * business consumer reads them.
 */
@RealKafka
class KafkaUpstreamSinkIT {

  @Test
  void theShippedSettingsBuildAProducerThatDelivers(KafkaBroker kafka) throws Exception {
    String topic = kafka.newTopic();
    ReceiveConfig config =
        new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC")
            .load(
                Path.of("..", "deploy", "logic.yaml"),
                Map.of(
                    "LOGIC_RECEIVE_KAFKA_BOOTSTRAPSERVERS",
                    kafka.bootstrapServers(),
                    "LOGIC_RECEIVE_KAFKA_TOPIC",
                    topic))
            .config()
            .receive();
    assertThat(config.sink()).isEqualTo(ReceiveConfig.KAFKA);

    try (UpstreamSink sink = UpstreamSinks.create(config)) {
      sink.accept(
              new UpstreamMessage(
                  42, "phone-42", "comet-1", 1000, ByteString.copyFromUtf8("hello"), 7, 0))
          .get(30, TimeUnit.SECONDS);
    }

    ConsumerRecord<byte[], byte[]> record = readOne(kafka, topic);
    assertThat(new String(record.key(), StandardCharsets.US_ASCII)).isEqualTo("42");
    ReceiveRequest sent = ReceiveRequest.parseFrom(record.value());
    assertThat(sent.getMid()).isEqualTo(42);
    assertThat(sent.getKey()).isEqualTo("phone-42");
    assertThat(sent.getServerId()).isEqualTo("comet-1");
    assertThat(sent.getOp()).isEqualTo(1000);
    assertThat(sent.getSeq()).isEqualTo(7);
    assertThat(sent.getBody().toStringUtf8()).isEqualTo("hello");
  }

  private static ConsumerRecord<byte[], byte[]> readOne(KafkaBroker kafka, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInSameThread()
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
              });
      assertThat(read).hasSize(1);
      return read.get(0);
    }
  }
}
