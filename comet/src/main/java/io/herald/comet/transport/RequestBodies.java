package io.herald.comet.transport;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Parses the bodies of the room and subscription requests (ops 12, 14, 16, 22, 24). */
final class RequestBodies {
  /** Room ids longer than this are refused (they are map keys on every Comet and in Logic). */
  static final int MAX_ROOM_ID_LENGTH = 256;

  private static final int[] NO_OPS = new int[0];

  private RequestBodies() {}

  /** The room id in {@code body} if it is {@code type://id}; {@code null} otherwise. */
  static String roomId(ByteBuf body) {
    if (body.readableBytes() > MAX_ROOM_ID_LENGTH) {
      return null;
    }
    String room = body.toString(StandardCharsets.UTF_8);
    return isRoomId(room) ? room : null;
  }

  /** Whether {@code room} is {@code type://id}: both parts non-empty, no blanks or controls. */
  static boolean isRoomId(String room) {
    int separator = room.indexOf("://");
    if (separator <= 0 || separator + 3 >= room.length()) {
      return false;
    }
    for (int i = 0; i < room.length(); i++) {
      char c = room.charAt(i);
      if (c <= ' ' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The ops in a comma-separated list such as {@code 1000,1001} (blanks around each allowed, empty
   * items skipped); {@code null} if any item is not an int32.
   */
  static int[] opList(ByteBuf body) {
    String text = body.toString(StandardCharsets.US_ASCII).strip();
    if (text.isEmpty()) {
      return NO_OPS;
    }
    String[] items = text.split(",", -1);
    int[] ops = new int[items.length];
    int count = 0;
    for (String item : items) {
      String op = item.strip();
      if (op.isEmpty()) {
        continue;
      }
      try {
        ops[count++] = Integer.parseInt(op);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return count == ops.length ? ops : Arrays.copyOf(ops, count);
  }
}
