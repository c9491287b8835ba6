package io.herald.logic.support;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a push topic back from its start as Job would see it: key, partition and PushMsg. */
public final class TopicReader implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final Deque<Read> buffered = new ArrayDeque<>();

  /** One record read back, with its headers (as UTF-8 text). */
  public record Read(String key, int partition, PushMsg msg, Map<String, String> headers) {}

  /** Reads every partition of {@code topic} from its start, with no consumer group to join. */
  public TopicReader(KafkaBroker kafka, String topic) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** The next {@code count} records, waiting up to 30 s for them. */
  public List<Read> take(int count) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInSameThread()
        .pollInterval(Duration.ZERO)
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Map<String, String> headers = new LinkedHashMap<>();
                record
                    .headers()
                    .forEach(
                        header ->
                            headers.put(
                                header.key(), new String(header.value(), StandardCharsets.UTF_8)));
                buffered.add(
                    new Read(record.key(), record.partition(), parse(record.value()), headers));
              }
              return buffered.size() >= count;
            });
    List<Read> taken = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      taken.add(buffered.removeFirst());
    }
    return taken;
  }

  public Read takeOne() {
    return take(1).get(0);
  }

  private static PushMsg parse(byte[] value) {
    try {
      return PushMsg.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a PushMsg on the topic", e);
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
