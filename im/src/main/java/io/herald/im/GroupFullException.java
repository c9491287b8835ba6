package io.herald.im;

/**
 * Adding the members would take the group over the limit asked for (answer LIMIT_EXCEEDED); nothing
 * was added.
 */
public final class GroupFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long groupId;
  private final int memberCount;
  private final int limit;

  public GroupFullException(long groupId, int memberCount, int adding, int limit) {
    super(
        "group "
            + groupId
            + " has "
            + memberCount
            + " members; adding "
            + adding
            + " exceeds "
            + limit,
        null,
        false,
        false);
    this.groupId = groupId;
    this.memberCount = memberCount;
    this.limit = limit;
  }

  public long groupId() {
    return groupId;
  }

  public int memberCount() {
    return memberCount;
  }

  public int limit() {
    return limit;
  }
}
