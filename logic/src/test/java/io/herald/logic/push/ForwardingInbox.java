package io.herald.logic.push;

import io.herald.logic.inbox.DeviceCursor;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.inbox.InboxEntry;
import io.herald.logic.inbox.InboxPosition;
import io.herald.logic.inbox.InboxRead;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** An inbox that forwards every call; tests override the calls they make fail. */
class ForwardingInbox implements Inbox {
  private final Inbox delegate;

  ForwardingInbox(Inbox delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<InboxPosition> append(long mid, InboxEntry entry) {
    return delegate.append(mid, entry);
  }

  @Override
  public CompletableFuture<InboxRead> read(long mid, long epoch, long afterSeq, int limit) {
    return delegate.read(mid, epoch, afterSeq, limit);
  }

  @Override
  public CompletableFuture<InboxRead> readFromCursor(long mid, String key, int limit) {
    return delegate.readFromCursor(mid, key, limit);
  }

  @Override
  public CompletableFuture<Integer> moveCursors(List<DeviceCursor> cursors) {
    return delegate.moveCursors(cursors);
  }

  @Override
  public CompletableFuture<Map<String, Long>> cursors(long mid) {
    return delegate.cursors(mid);
  }
}
