package io.herald.balancer.server;

import io.herald.balancer.ClientBackoff;
import io.herald.balancer.ClientHeartbeat;
import io.herald.balancer.Selection;
import io.herald.proto.registry.v1.CometNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The JSON body of {@code GET /nodes}: snake_case keys, durations in milliseconds. */
final class NodesJson {
  private NodesJson() {}

  static Map<String, Object> of(Selection selection) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("nodes", selection.nodes().stream().map(NodesJson::node).toList());
    body.put("client_region", selection.location().region().orElse(""));
    body.put("located_by", selection.location().source().name().toLowerCase(Locale.ROOT));
    body.put("heartbeat", heartbeat(selection.heartbeat()));
    body.put("backoff", backoff(selection.backoff()));
    return body;
  }

  private static Map<String, Object> node(CometNode node) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("server_id", node.getServerId());
    json.put("region", node.getRegion());
    json.put("tcp", node.getTcpAddress());
    json.put("ws", node.getWsAddress());
    json.put("wss", node.getWssAddress());
    return json;
  }

  private static Map<String, Object> heartbeat(ClientHeartbeat heartbeat) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("interval_ms", heartbeat.interval().toMillis());
    json.put("min_interval_ms", heartbeat.minInterval().toMillis());
    json.put("max_interval_ms", heartbeat.maxInterval().toMillis());
    json.put("step_ms", heartbeat.step().toMillis());
    json.put("max_missed", heartbeat.maxMissed());
    return json;
  }

  private static Map<String, Object> backoff(ClientBackoff backoff) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("base_delay_ms", backoff.baseDelay().toMillis());
    json.put("factor", backoff.factor());
    json.put("jitter", backoff.jitter());
    json.put("max_delay_ms", backoff.maxDelay().toMillis());
    return json;
  }
}
