package io.herald.logic.push;

import com.google.protobuf.ByteString;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.push.PushConfig.Api;
import io.herald.wire.Op;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The push API's argument rules, shared by HTTP and gRPC. Each check throws an {@link
 * InvalidPushException} naming the parameter as goim's HTTP API calls it ({@code operation}, {@code
 * keys}, {@code mids}, {@code type}, {@code room}, {@code speed}, {@code body}); the online queries
 * check room types and ids with {@link #roomPart}.
 */
public final class RequestChecks {
  /** Room types and ids: no whitespace, and no {@code ://} (the room is {@code type://room}). */
  private static final Pattern BAD_ROOM_PART = Pattern.compile("\\s|://");

  private final int maxTargets;
  private final int maxBodyBytes;

  RequestChecks(Api api) {
    this.maxTargets = api.maxTargets();
    this.maxBodyBytes = api.maxBodyBytes();
  }

  /**
   * A business op, 1000 or above. Ops 0-999 are the wire protocol's ({@link Op}): pushed to a
   * client, each would be misread — 9 ({@code RAW}) as a batch of frames (Job drops such a push), 3
   * as a heartbeat reply, 6 as a disconnect, 21 as an order to reconnect elsewhere, a reply op as
   * the answer to a request never made — and the unassigned ones are reserved for Herald's next
   * ops. goim's own tools push 1000 and above.
   */
  static int operation(int op) {
    if (op < Op.BUSINESS_MIN) {
      String expected = ">= " + Op.BUSINESS_MIN + ", a business op";
      if (op >= 0) {
        String name = Op.name(op);
        expected +=
            name.startsWith("OP(")
                ? "; 0-" + (Op.BUSINESS_MIN - 1) + " are reserved for the wire protocol"
                : "; " + op + " is the wire protocol's " + name;
      }
      throw InvalidPushException.of("operation", op, expected);
    }
    return op;
  }

  /** The distinct keys, in order; none blank, 1 to {@code maxTargets} of them. */
  Set<String> keys(Collection<String> keys) {
    targets("keys", keys, "device keys");
    Set<String> distinct = new LinkedHashSet<>(keys);
    int i = 0;
    for (String key : keys) {
      if (key == null || key.isBlank()) {
        throw InvalidPushException.of("keys[" + i + "]", "empty", "a device key");
      }
      i++;
    }
    return distinct;
  }

  /** The distinct mids, in order; 1 to {@code maxTargets} of them. */
  Set<Long> mids(Collection<Long> mids) {
    targets("mids", mids, "user ids");
    return new LinkedHashSet<>(mids);
  }

  /** Mids of a stored push: users only ({@link Inbox#isUser}); anonymous ones have no inbox. */
  static void storedMids(Collection<Long> mids) {
    int i = 0;
    for (long mid : mids) {
      if (!Inbox.isUser(mid)) {
        throw InvalidPushException.of(
            "mids[" + i + "]",
            mid,
            "a user id > 0 with store: true; anonymous users have no inbox");
      }
      i++;
    }
  }

  private void targets(String name, Collection<?> targets, String what) {
    if (targets.isEmpty()) {
      throw InvalidPushException.of(name, "empty", "1 to " + maxTargets + " " + what);
    }
    if (targets.size() > maxTargets) {
      throw InvalidPushException.of(name, targets.size() + " " + what, "at most " + maxTargets);
    }
  }

  /** Any body up to the limit, empty included (goim pushes empty bodies too). */
  ByteString body(ByteString body) {
    if (body.size() > maxBodyBytes) {
      throw InvalidPushException.of("body", body.size() + " bytes", "at most " + maxBodyBytes);
    }
    return body;
  }

  /** {@code type://room}. */
  static String room(String type, String room) {
    return roomPart("type", type) + "://" + roomPart("room", room);
  }

  /** A room type or id: not empty, no whitespace, no {@code ://}. */
  public static String roomPart(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw InvalidPushException.of(name, "missing", "a value");
    }
    if (BAD_ROOM_PART.matcher(value).find()) {
      throw InvalidPushException.of(name, "'" + value + "'", "no whitespace and no ://");
    }
    return value;
  }

  static int speed(int speed) {
    if (speed < 0) {
      throw InvalidPushException.of("speed", speed, ">= 0");
    }
    return speed;
  }
}
