package io.herald.wire.chat;

import io.herald.wire.delivery.MalformedBodyException;

/** How a conversation's messages reach its members. Int8 on the wire. */
public enum FanoutMode {
  /** Every member's inbox gets a copy: clients receive messages as op 26 and by SYNC. */
  WRITE(0),
  /** Written once; members get op-38 notices in room {@code chat://<group id>} and pull history. */
  READ(1);

  private final int code;

  FanoutMode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static FanoutMode of(int code) {
    return switch (code) {
      case 0 -> WRITE;
      case 1 -> READ;
      default -> throw new MalformedBodyException("unknown fan-out mode " + code);
    };
  }
}
