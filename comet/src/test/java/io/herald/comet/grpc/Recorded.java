package io.herald.comet.grpc;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/** A unary reply as the service gave it: its messages, then completion or an error. */
final class Recorded<T> implements StreamObserver<T> {
  final List<T> values = new ArrayList<>();
  Throwable error;
  boolean completed;

  @Override
  public void onNext(T value) {
    values.add(value);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }

  /** The one reply of a completed call. */
  T reply() {
    if (!completed || values.size() != 1) {
      throw new AssertionError("expected one reply then completion, got " + values + ", " + error);
    }
    return values.get(0);
  }
}
