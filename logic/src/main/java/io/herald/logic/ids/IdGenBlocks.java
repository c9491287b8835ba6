package io.herald.logic.ids;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.herald.ops.tls.GrpcTls;
import io.herald.proto.idgen.v1.IdGenGrpc;
import io.herald.proto.idgen.v1.NextIdsRequest;
import io.herald.proto.idgen.v1.NextIdsResponse;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * IdGen's {@code NextIds} over one gRPC channel (the shaded Netty transport): the blocks of {@link
 * IdGenMessageIds}. Calls are asynchronous, with {@code timeout} as their deadline. After a failed
 * call the channel's reconnect backoff is reset, so a returning IdGen is reached on the next retry
 * rather than after gRPC's own backoff (up to two minutes). {@link #start()} creates the channel
 * (it connects on the first call), {@link #stop()} closes it.
 */
final class IdGenBlocks implements IdGenMessageIds.BlockSource {
  private final MessageIdsConfig.IdGen config;
  private final MeterRegistry meters;
  private GrpcTls tls;
  private volatile ManagedChannel channel;
  private volatile boolean lastFailed;

  IdGenBlocks(MessageIdsConfig.IdGen config, MeterRegistry meters) {
    this.config = config;
    this.meters = meters;
  }

  @Override
  public synchronized void start() {
    if (channel == null) {
      tls = GrpcTls.client("logic", "idgen", "push.messageIds.idgen.tls", config.tls(), meters);
      channel = tls.channelBuilder(config.target()).build();
    }
  }

  @Override
  public CompletableFuture<IdBlock> fetch(int count) {
    ManagedChannel target = channel;
    if (target == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("not started"));
    }
    if (lastFailed) {
      target.resetConnectBackoff(); // no-op unless the channel waits to reconnect
    }
    CompletableFuture<IdBlock> block = new CompletableFuture<>();
    Futures.addCallback(
        IdGenGrpc.newFutureStub(target)
            .withDeadlineAfter(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
            .nextIds(NextIdsRequest.newBuilder().setTag(config.tag()).setCount(count).build()),
        new FutureCallback<>() {
          @Override
          public void onSuccess(NextIdsResponse response) {
            try {
              block.complete(IdBlock.of(response));
              lastFailed = false;
            } catch (IllegalArgumentException e) {
              fail(new IllegalStateException("unusable NextIds answer: " + e.getMessage(), e));
            }
          }

          @Override
          public void onFailure(Throwable error) {
            fail(new IllegalStateException(reason(error), error));
          }

          private void fail(Throwable error) {
            lastFailed = true;
            block.completeExceptionally(error);
          }
        },
        MoreExecutors.directExecutor());
    return block;
  }

  /** A call's failure as {@code CODE: description (cause)}, e.g. a refused connection. */
  static String reason(Throwable error) {
    Status status = Status.fromThrowable(error);
    StringBuilder reason = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      reason.append(": ").append(status.getDescription());
    }
    Throwable cause = status.getCause();
    if (cause != null && cause.getMessage() != null) {
      reason.append(" (").append(cause.getMessage()).append(')');
    }
    return reason.toString();
  }

  @Override
  public synchronized void stop() {
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
      tls.close();
    }
  }

  @Override
  public String describe() {
    return config.target();
  }
}
