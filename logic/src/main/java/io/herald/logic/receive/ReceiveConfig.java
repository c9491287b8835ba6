package io.herald.logic.receive;

import io.herald.config.Check;
import io.herald.logic.kafka.KafkaProducerConfig;
import java.time.Duration;

/**
 * Where upstream client messages go.
 *
 * @param sink {@code log} (development), {@code kafka} (a topic business consumers read) or {@code
 *     webhook} (POST to a business URL)
 * @param kafka the producer and topic, for {@code kafka} (default topic {@value #DEFAULT_TOPIC}):
 *     the same settings as {@code push.kafka}
 * @param webhook the URL, for {@code webhook}
 */
public record ReceiveConfig(String sink, KafkaProducerConfig kafka, Webhook webhook) {
  public static final String LOG = "log";
  public static final String KAFKA = "kafka";
  public static final String WEBHOOK = "webhook";

  /** The topic upstream messages go to with sink {@value #KAFKA}. */
  public static final String DEFAULT_TOPIC = "herald-upstream";

  public static ReceiveConfig defaults() {
    return new ReceiveConfig(
        LOG,
        KafkaProducerConfig.defaults(DEFAULT_TOPIC, "herald-logic-upstream"),
        new Webhook("", Duration.ofSeconds(2)));
  }

  public ReceiveConfig {
    Check.state(
        LOG.equals(sink) || KAFKA.equals(sink) || WEBHOOK.equals(sink),
        "sink",
        sink,
        "log, kafka or webhook");
    Check.notNull("kafka", kafka);
    Check.notNull("webhook", webhook);
    if (WEBHOOK.equals(sink)) {
      Check.notBlank("webhook.url", webhook.url());
    }
  }

  /** The webhook sink: the business URL ({@code http://} or {@code https://}) and its deadline. */
  public record Webhook(String url, Duration timeout) {
    public Webhook {
      url = url == null ? "" : url.strip();
      if (!url.isEmpty()) {
        Check.httpUrl("url", url);
      }
      Check.positive("timeout", timeout);
    }
  }
}
