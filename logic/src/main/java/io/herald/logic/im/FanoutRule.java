package io.herald.logic.im;

import io.herald.wire.chat.FanoutMode;

/**
 * How a conversation's messages reach its members (docs/im.md): one-to-one and groups of at most
 * {@code writeFanoutMaxMembers} members are {@link FanoutMode#WRITE write fan-out} (each member's
 * inbox gets each message); larger groups are {@link FanoutMode#READ read fan-out} (the message is
 * only in the database; members get a notice in room {@code chat://<id>} and pull).
 */
final class FanoutRule {
  private final int writeFanoutMaxMembers;

  FanoutRule(int writeFanoutMaxMembers) {
    this.writeFanoutMaxMembers = writeFanoutMaxMembers;
  }

  /** The mode of a group with {@code memberCount} members. */
  FanoutMode mode(int memberCount) {
    return memberCount <= writeFanoutMaxMembers ? FanoutMode.WRITE : FanoutMode.READ;
  }

  /** Whether a group going from {@code before} to {@code after} members becomes read fan-out. */
  boolean becomesRead(int before, int after) {
    return mode(before) == FanoutMode.WRITE && mode(after) == FanoutMode.READ;
  }

  int writeFanoutMaxMembers() {
    return writeFanoutMaxMembers;
  }
}
