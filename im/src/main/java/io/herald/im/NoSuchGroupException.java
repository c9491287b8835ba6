package io.herald.im;

/** The group named does not exist (answer NOT_FOUND). */
public final class NoSuchGroupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long groupId;

  public NoSuchGroupException(long groupId) {
    super("no group " + groupId, null, false, false);
    this.groupId = groupId;
  }

  public long groupId() {
    return groupId;
  }
}
