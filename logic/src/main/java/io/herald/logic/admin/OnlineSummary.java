package io.herald.logic.admin;

import com.linecorp.armeria.common.QueryParams;
import io.herald.logic.online.OnlineView;
import io.herald.logic.push.RequestChecks;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /herald/admin/api/online?limit=&type=}: the cluster's totals and its largest rooms, of
 * every type or of {@code type} only, with their full ids:
 *
 * <pre>{@code
 * {"totals":{"conn_count":20,"ip_count":4},"top":[{"room":"live://1000","count":12}]}
 * }</pre>
 *
 * {@code limit} is 1-1000 (default 10), as goim's {@code online/top} takes it.
 */
final class OnlineSummary {
  static final int DEFAULT_LIMIT = 10;
  static final int MAX_LIMIT = 1000;

  private static final Comparator<Map.Entry<String, Long>> LARGEST_FIRST =
      Map.Entry.<String, Long>comparingByValue()
          .reversed()
          .thenComparing(Map.Entry.comparingByKey());

  private final OnlineView online;

  OnlineSummary(OnlineView online) {
    this.online = online;
  }

  Map<String, Object> answer(QueryParams params) {
    int limit = limit(params.get("limit"));
    String type = params.get("type", "").strip();
    if (!type.isEmpty()) {
      RequestChecks.roomPart("type", type);
    }
    String prefix = type + "://";
    List<Map<String, Object>> top =
        online.roomCounts().entrySet().stream()
            .filter(room -> type.isEmpty() || room.getKey().startsWith(prefix))
            .sorted(LARGEST_FIRST)
            .limit(limit)
            .map(
                room -> {
                  Map<String, Object> entry = new LinkedHashMap<>();
                  entry.put("room", room.getKey());
                  entry.put("count", room.getValue());
                  return entry;
                })
            .toList();
    OnlineView.Totals totals = online.totals();
    Map<String, Object> sums = new LinkedHashMap<>();
    sums.put("conn_count", totals.connCount());
    sums.put("ip_count", totals.ipCount());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("totals", sums);
    answer.put("top", top);
    return answer;
  }

  private static int limit(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw AdminException.badRequest("limit", "'" + text + "'", "an integer, 1-" + MAX_LIMIT);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw AdminException.badRequest("limit", limit, "1-" + MAX_LIMIT);
    }
    return limit;
  }
}
