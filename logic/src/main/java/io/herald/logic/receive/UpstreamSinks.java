package io.herald.logic.receive;

/** Builds the configured {@link UpstreamSink}. */
public final class UpstreamSinks {
  private UpstreamSinks() {}

  public static UpstreamSink create(ReceiveConfig config) {
    return switch (config.sink()) {
      case ReceiveConfig.KAFKA -> new KafkaUpstreamSink(config.kafka());
      case ReceiveConfig.WEBHOOK -> new WebhookUpstreamSink(config.webhook());
      default -> new LogUpstreamSink();
    };
  }
}
