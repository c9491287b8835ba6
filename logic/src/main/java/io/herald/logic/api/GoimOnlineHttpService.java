package io.herald.logic.api;

import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.HttpService;
import io.herald.logic.online.OnlineView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * goim's {@code GET /goim/online/top}, {@code /room} and {@code /total}, answered from memory with
 * goim's data shapes: {@code [{"room_id":"1000","count":12}]}, {@code {"1000":12}}, {@code
 * {"ip_count":N,"conn_count":N}}.
 */
final class GoimOnlineHttpService {
  static final List<String> QUERIES = List.of("top", "room", "total");

  private final OnlineQueries queries;
  private final PushApiMetrics metrics;

  GoimOnlineHttpService(OnlineQueries queries, PushApiMetrics metrics) {
    this.queries = queries;
    this.metrics = metrics;
  }

  HttpService route(String query) {
    Function<QueryParams, Object> answer =
        switch (query) {
          case "top" -> this::top;
          case "room" -> this::room;
          case "total" -> params -> total();
          default -> throw new IllegalArgumentException("query: " + query);
        };
    return (ctx, req) -> {
      Object data;
      try {
        data = answer.apply(ctx.queryParams());
      } catch (RuntimeException e) {
        metrics.query(query, e);
        return GoimReplies.failure(e);
      }
      metrics.query(query, PushApiMetrics.OK);
      return GoimReplies.ok(data);
    };
  }

  private Object top(QueryParams params) {
    return queries
        .top(GoimParams.text(params, "type"), GoimParams.requiredInt(params, "limit"))
        .stream()
        .map(
            room -> {
              Map<String, Object> entry = new LinkedHashMap<>();
              entry.put("room_id", room.roomId());
              entry.put("count", room.count());
              return entry;
            })
        .toList();
  }

  private Object room(QueryParams params) {
    return queries.rooms(GoimParams.text(params, "type"), GoimParams.list(params, "rooms"));
  }

  private Object total() {
    OnlineView.Totals totals = queries.totals();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("ip_count", totals.ipCount());
    data.put("conn_count", totals.connCount());
    return data;
  }
}
