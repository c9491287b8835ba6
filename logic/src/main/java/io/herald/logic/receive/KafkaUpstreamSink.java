package io.herald.logic.receive;

import io.herald.proto.logic.v1.ReceiveRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes upstream messages to a Kafka topic for business consumers: key = the sender's mid
 * (decimal), so one user's messages stay in order; value = a {@code
 * herald.logic.v1.ReceiveRequest}.
 */
final class KafkaUpstreamSink implements UpstreamSink {
  private final Producer<byte[], byte[]> producer;
  private final String topic;

  KafkaUpstreamSink(ReceiveConfig.Kafka config) {
    this.topic = config.topic();
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) config.timeout().toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) config.timeout().toMillis(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) config.timeout().toMillis()),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  @Override
  public CompletableFuture<Void> accept(UpstreamMessage message) {
    byte[] value =
        ReceiveRequest.newBuilder()
            .setMid(message.mid())
            .setKey(message.key())
            .setServerId(message.serverId())
            .setOp(message.op())
            .setBody(message.body())
            .setSeq(message.seq())
            .build()
            .toByteArray();
    byte[] key = Long.toString(message.mid()).getBytes(StandardCharsets.US_ASCII);
    CompletableFuture<Void> sent = new CompletableFuture<>();
    try {
      var unused =
          producer.send(
              new ProducerRecord<>(topic, key, value),
              (metadata, error) -> {
                if (error == null) {
                  sent.complete(null);
                } else {
                  sent.completeExceptionally(error);
                }
              });
    } catch (RuntimeException e) {
      sent.completeExceptionally(e);
    }
    return sent;
  }

  @Override
  public void close() {
    producer.close();
  }
}
