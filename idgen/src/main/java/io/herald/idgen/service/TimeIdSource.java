package io.herald.idgen.service;

import io.herald.idgen.Mode;
import io.herald.idgen.layout.IdFields;
import io.herald.idgen.time.TimeIdGenerator;
import io.herald.idgen.time.TimeIds;

/** A Snowflake or Sonyflake tag: ids from its layout's leased generator. */
final class TimeIdSource implements IdSource {
  private final String tag;
  private final Mode mode;
  private final TimeIds ids;

  TimeIdSource(String tag, Mode mode, TimeIds ids) {
    this.tag = tag;
    this.mode = mode;
    this.ids = ids;
  }

  @Override
  public String tag() {
    return tag;
  }

  @Override
  public Mode mode() {
    return mode;
  }

  @Override
  public int maxCount() {
    return ids.config().maxCount();
  }

  @Override
  public long next(boolean mayWait) {
    long id = ids.generator().next(mayWait);
    return id == TimeIdGenerator.WOULD_WAIT ? WOULD_WAIT : id;
  }

  @Override
  public void fill(IdBatch batch, boolean mayWait) {
    long[] made = ids.generator().next(batch.count(), mayWait);
    if (made != null) {
      batch.list(made);
    }
  }

  @Override
  public IdFields explain(long id) {
    return IdFields.of(mode.layout(), ids.config().epochMillis(), id);
  }
}
