package io.herald.logic.api;

import io.herald.logic.online.OnlineView;
import io.herald.logic.push.InvalidPushException;
import io.herald.logic.push.RequestChecks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * goim's online queries over the cluster-wide {@link OnlineView}, with the push API's argument
 * rules: a room type, a limit of 1-1000, 1 to 1000 room ids. Room ids are answered without their
 * type ({@code 1000} for {@code live://1000}), as goim does.
 */
final class OnlineQueries {
  /** Online queries answer at most this many rooms, and take at most this many room ids. */
  private static final int MAX_ROOMS = 1000;

  private final OnlineView view;

  OnlineQueries(OnlineView view) {
    this.view = view;
  }

  /** The {@code limit} largest rooms of {@code type}, largest first. */
  List<OnlineView.RoomCount> top(String type, int limit) {
    return view.top(RequestChecks.roomPart("type", type), checkLimit(limit));
  }

  /** The count of every room in {@code rooms}, in request order, 0 for an empty room. */
  Map<String, Long> rooms(String type, List<String> rooms) {
    RequestChecks.roomPart("type", type);
    checkRooms(rooms);
    Map<String, Long> counts = view.rooms(type, rooms);
    Map<String, Long> answer = new LinkedHashMap<>();
    for (String room : rooms) {
      answer.put(room, counts.getOrDefault(room, 0L));
    }
    return answer;
  }

  OnlineView.Totals totals() {
    return view.totals();
  }

  private static int checkLimit(int limit) {
    if (limit < 1 || limit > MAX_ROOMS) {
      throw InvalidPushException.of("limit", limit, "1-" + MAX_ROOMS);
    }
    return limit;
  }

  private static List<String> checkRooms(List<String> rooms) {
    if (rooms.isEmpty() || rooms.size() > MAX_ROOMS) {
      throw InvalidPushException.of("rooms", rooms.size() + " room ids", "1 to " + MAX_ROOMS);
    }
    rooms.forEach(room -> RequestChecks.roomPart("rooms", room));
    return rooms;
  }
}
