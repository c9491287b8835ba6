package io.herald.client;

import io.herald.wire.Op;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the application asked to be in and to hear, kept across connections: its rooms (the first is
 * named in AUTH, the others joined after it), the ops it accepts (none listed means all), and the
 * ops it unsubscribed. Each change returns the control request that tells the current connection;
 * {@link #replay} returns those that tell a new one. Confined to the event loop.
 */
final class Subscriptions {

  /** A control request: {@code op} with a text body (a room, or ops comma-separated). */
  record Request(int op, String body, int replyOp) {
    byte[] bytes() {
      return body.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return Op.name(op) + " " + body;
    }
  }

  private final Set<String> rooms;
  private final Set<Integer> accepts;
  private final Set<Integer> unsubscribed = new LinkedHashSet<>();

  Subscriptions(List<String> rooms, List<Integer> accepts) {
    this.rooms = new LinkedHashSet<>(rooms);
    this.accepts = new LinkedHashSet<>(accepts);
  }

  /** The room AUTH names: the first one, or empty. */
  String authRoom() {
    return rooms.isEmpty() ? "" : rooms.iterator().next();
  }

  /** The ops AUTH accepts; empty means all. */
  Collection<Integer> accepts() {
    return Collections.unmodifiableSet(accepts);
  }

  Set<String> rooms() {
    return Set.copyOf(rooms);
  }

  Request join(String room) {
    rooms.add(room);
    return new Request(Op.JOIN_ROOM, room, Op.JOIN_ROOM_REPLY);
  }

  Request leave(String room) {
    rooms.remove(room);
    return new Request(Op.LEAVE_ROOM, room, Op.LEAVE_ROOM_REPLY);
  }

  Request subscribe(List<Integer> ops) {
    unsubscribed.removeAll(ops);
    if (!accepts.isEmpty()) {
      accepts.addAll(ops);
    }
    return new Request(Op.SUB, opList(ops), Op.SUB_REPLY);
  }

  Request unsubscribe(List<Integer> ops) {
    accepts.removeAll(ops);
    unsubscribed.addAll(ops);
    return new Request(Op.UNSUB, opList(ops), Op.UNSUB_REPLY);
  }

  /** For a new connection, after AUTH: the rooms past the first, and the unsubscribed ops again. */
  List<Request> replay() {
    List<Request> requests = new ArrayList<>();
    rooms.stream()
        .skip(1)
        .forEach(room -> requests.add(new Request(Op.JOIN_ROOM, room, Op.JOIN_ROOM_REPLY)));
    if (!unsubscribed.isEmpty()) {
      requests.add(new Request(Op.UNSUB, opList(unsubscribed), Op.UNSUB_REPLY));
    }
    return requests;
  }

  /** Checks a room name the application gives ({@code type://id}, 1-256 bytes of UTF-8). */
  static String checkRoom(String room) {
    Objects.requireNonNull(room, "room");
    if (room.isEmpty() || room.getBytes(StandardCharsets.UTF_8).length > 256) {
      throw new IllegalArgumentException("room: '" + room + "' (expected: type://id, 1-256 bytes)");
    }
    return room;
  }

  /** The ops the application gives to (un)subscribe, at least one. */
  static List<Integer> ops(int... ops) {
    if (ops.length == 0) {
      throw new IllegalArgumentException("ops: none (expected: at least one)");
    }
    return Arrays.stream(ops).boxed().toList();
  }

  private static String opList(Collection<Integer> ops) {
    return ops.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
