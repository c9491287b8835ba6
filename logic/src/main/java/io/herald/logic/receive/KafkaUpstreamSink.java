package io.herald.logic.receive;

import io.herald.logic.kafka.KafkaProducerConfig;
import io.herald.proto.logic.v1.ReceiveRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes upstream messages to a Kafka topic for business consumers: key = the sender's mid
 * (decimal), so one user's messages stay in order; value = a {@code
 * herald.logic.v1.ReceiveRequest}. The producer is idempotent with {@code acks=all} ({@link
 * KafkaProducerConfig}); a message counts as taken once every in-sync replica has it.
 *
 * <p>{@code KafkaProducer.send} may block for up to {@code maxBlock} while it waits for topic
 * metadata (a broker that is down), so sends run on a thread of the sink's own, in order, never on
 * the gRPC caller's; the future fails within {@code maxBlock + deliveryTimeout}.
 */
final class KafkaUpstreamSink implements UpstreamSink {
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Duration maxBlock;
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "herald-upstream-kafka-sender");
            thread.setDaemon(true);
            return thread;
          });

  KafkaUpstreamSink(KafkaProducerConfig config) {
    this.topic = config.topic();
    this.maxBlock = config.maxBlock();
    this.producer = new KafkaProducer<>(config.producerProperties());
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
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
    CompletableFuture<Void> sent = new CompletableFuture<>();
    try {
      sender.execute(new Send(record, sent));
    } catch (RejectedExecutionException e) {
      sent.completeExceptionally(new IllegalStateException("upstream sink closed", e));
    }
    return sent;
  }

  /** One message's send, on the sender thread. */
  private final class Send implements Runnable {
    final ProducerRecord<byte[], byte[]> record;
    final CompletableFuture<Void> sent;

    Send(ProducerRecord<byte[], byte[]> record, CompletableFuture<Void> sent) {
      this.record = record;
      this.sent = sent;
    }

    @Override
    public void run() {
      try {
        var unused =
            producer.send(
                record,
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
    }
  }

  /**
   * Hands what was accepted to the producer (waiting up to {@code maxBlock}; messages still queued
   * then fail), and closes it, which waits for the records in flight.
   */
  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(maxBlock.toMillis(), TimeUnit.MILLISECONDS)) {
        for (Runnable waiting : sender.shutdownNow()) {
          ((Send) waiting)
              .sent.completeExceptionally(new IllegalStateException("upstream sink closed"));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
