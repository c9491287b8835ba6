package io.herald.idgen.segment;

/** The segment database could not be reached or lacks the tag's row. */
public final class SegmentStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SegmentStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
