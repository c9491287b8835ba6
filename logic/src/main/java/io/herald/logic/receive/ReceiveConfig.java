package io.herald.logic.receive;

import io.herald.config.Check;
import java.time.Duration;

/**
 * Where upstream client messages go.
 *
 * @param sink {@code log} (development), {@code kafka} (a topic business consumers read) or {@code
 *     webhook} (POST to a business URL)
 * @param kafka the topic, for {@code kafka}
 * @param webhook the URL, for {@code webhook}
 */
public record ReceiveConfig(String sink, Kafka kafka, Webhook webhook) {
  public static final String LOG = "log";
  public static final String KAFKA = "kafka";
  public static final String WEBHOOK = "webhook";

  public static ReceiveConfig defaults() {
    return new ReceiveConfig(
        LOG,
        new Kafka("127.0.0.1:9092", "herald-upstream", Duration.ofSeconds(5)),
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

  /** The Kafka sink: where and how long a send may take. */
  public record Kafka(String bootstrapServers, String topic, Duration timeout) {
    public Kafka {
      Check.notBlank("bootstrapServers", bootstrapServers);
      Check.notBlank("topic", topic);
      Check.positive("timeout", timeout);
    }
  }

  /** The webhook sink: the business URL and how long it may take to answer. */
  public record Webhook(String url, Duration timeout) {
    public Webhook {
      url = url == null ? "" : url.strip();
      Check.positive("timeout", timeout);
    }
  }
}
