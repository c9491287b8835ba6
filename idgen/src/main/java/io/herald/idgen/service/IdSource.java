package io.herald.idgen.service;

import io.herald.idgen.Mode;
import io.herald.idgen.layout.IdFields;

/** Makes one tag's ids. Methods taking {@code mayWait = false} never block. */
public interface IdSource {
  /** Returned by {@link #next(boolean)} when it would have to wait. */
  long WOULD_WAIT = -1;

  String tag();

  Mode mode();

  /** The most ids one {@link #fill} request may ask for. */
  int maxCount();

  /** One id, or {@link #WOULD_WAIT} when {@code mayWait} is false and it would have to wait. */
  long next(boolean mayWait);

  /** Adds ids to the batch until complete, or until it would have to wait and may not. */
  void fill(IdBatch batch, boolean mayWait);

  /** The fields of a time-based id; {@code null} for a segment tag (its ids carry no fields). */
  IdFields explain(long id);
}
