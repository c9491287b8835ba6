package io.herald.logic.inbox;

import io.herald.logic.Failures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An {@link Inbox} that counts appends, reads and failures ({@link InboxMetrics}) and turns every
 * failure of the store into an {@link InboxUnavailableException} ({@code inbox: <reason>}); a bad
 * argument stays an {@link IllegalArgumentException}.
 */
public final class MeteredInbox implements Inbox {
  private final Inbox delegate;
  private final InboxMetrics metrics;

  public MeteredInbox(Inbox delegate, InboxMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public CompletableFuture<InboxPosition> append(long mid, InboxEntry entry) {
    return call(() -> delegate.append(mid, entry), metrics::appendFailed)
        .thenApply(
            position -> {
              metrics.appended();
              return position;
            });
  }

  @Override
  public CompletableFuture<InboxRead> read(long mid, long epoch, long afterSeq, int limit) {
    return counted(call(() -> delegate.read(mid, epoch, afterSeq, limit), metrics::readFailed));
  }

  @Override
  public CompletableFuture<InboxRead> readFromCursor(long mid, String key, int limit) {
    return counted(call(() -> delegate.readFromCursor(mid, key, limit), metrics::readFailed));
  }

  @Override
  public CompletableFuture<Integer> moveCursors(List<DeviceCursor> cursors) {
    return call(() -> delegate.moveCursors(cursors), metrics::cursorFailed)
        .thenApply(
            moved -> {
              metrics.moved(moved);
              return moved;
            });
  }

  @Override
  public CompletableFuture<Map<String, Long>> cursors(long mid) {
    return call(() -> delegate.cursors(mid), metrics::readFailed);
  }

  private CompletableFuture<InboxRead> counted(CompletableFuture<InboxRead> read) {
    return read.thenApply(
        answer -> {
          metrics.read(answer);
          return answer;
        });
  }

  private static <T> CompletableFuture<T> call(
      Supplier<CompletableFuture<T>> call, Runnable onFailure) {
    CompletableFuture<T> called;
    try {
      called = call.get();
    } catch (RuntimeException e) {
      called = CompletableFuture.failedFuture(e);
    }
    return called.exceptionally(
        error -> {
          Throwable cause = Failures.cause(error);
          if (cause instanceof IllegalArgumentException bad) {
            throw bad;
          }
          onFailure.run();
          if (cause instanceof InboxUnavailableException unavailable) {
            throw unavailable;
          }
          throw new InboxUnavailableException(Failures.reason(cause), cause);
        });
  }
}
