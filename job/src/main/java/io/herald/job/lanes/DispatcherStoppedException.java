package io.herald.job.lanes;

/**
 * A record's delivery did not finish because Job is stopping: the record is not done, so its offset
 * is not committed and the next owner of its partition delivers it. Stackless: it is an expected
 * end, not a bug.
 */
public final class DispatcherStoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DispatcherStoppedException(String message) {
    super(message, null, false, false);
  }
}
