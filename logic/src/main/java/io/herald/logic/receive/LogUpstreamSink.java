package io.herald.logic.receive;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs upstream messages at DEBUG and drops them: for development and standalone. */
final class LogUpstreamSink implements UpstreamSink {
  private static final Logger log = LoggerFactory.getLogger(LogUpstreamSink.class);

  @Override
  public CompletableFuture<Void> accept(UpstreamMessage message) {
    log.debug(
        "upstream mid={} key={} op={} seq={} {} bytes",
        message.mid(),
        message.key(),
        message.op(),
        message.seq(),
        message.body().size());
    return CompletableFuture.completedFuture(null);
  }
}
