package io.herald.logic.admin;

import io.herald.logic.online.OnlineView;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.registry.RegistryView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /herald/admin/api/comets}: the Comets Logic's registry view lists, grouped by region
 * (regions by name, Comets by server id), with what each last registered and its share of the
 * online counts:
 *
 * <pre>{@code
 * {"now_unix_ms":1733450000000,
 *  "regions":[{"region":"cn-east","comets":1,"draining":0,"connections":12,"capacity":100000,
 *    "nodes":[{"server_id":"comet-sh-01","region":"cn-east","state":"up","connections":12,
 *      "capacity":100000,"weight":10,"ip_count":9,"tcp_address":"10.0.0.5:3101",
 *      "ws_address":"10.0.0.5:3102","wss_address":"","grpc_address":"10.0.0.5:3109",
 *      "epoch_unix_ms":1733440000000,"last_renew_unix_ms":1733449995000,
 *      "last_renew_age_ms":5000}]}]}
 * }</pre>
 *
 * <p>{@code connections} is the count the Comet registered at its last renewal; {@code ip_count}
 * comes from its latest online report, null before the first. The age is measured on Logic's clock
 * against the Comet's stamp, so clock skew between the two shows in it.
 */
final class CometTable {
  private final RegistryView registry;
  private final OnlineView online;
  private final Clock clock;

  CometTable(RegistryView registry, OnlineView online, Clock clock) {
    this.registry = registry;
    this.online = online;
    this.clock = clock;
  }

  Map<String, Object> answer() {
    long now = clock.millis();
    Map<String, OnlineView.Totals> reports = online.servers();
    Map<String, List<CometNode>> byRegion = new TreeMap<>();
    for (CometNode node : registry.nodes()) {
      byRegion.computeIfAbsent(node.getRegion(), region -> new ArrayList<>()).add(node);
    }
    List<Object> regions = new ArrayList<>();
    byRegion.forEach(
        (region, nodes) -> {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("region", region);
          entry.put("comets", nodes.size());
          entry.put("draining", nodes.stream().filter(CometTable::draining).count());
          entry.put("connections", nodes.stream().mapToLong(CometNode::getConnections).sum());
          entry.put("capacity", nodes.stream().mapToLong(CometNode::getCapacity).sum());
          entry.put(
              "nodes",
              nodes.stream()
                  .map(node -> node(node, reports.get(node.getServerId()), now))
                  .toList());
          regions.add(entry);
        });
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("now_unix_ms", now);
    answer.put("regions", regions);
    return answer;
  }

  static boolean draining(CometNode node) {
    return node.getState() == NodeState.NODE_STATE_DRAINING;
  }

  private static Map<String, Object> node(CometNode node, OnlineView.Totals report, long now) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("server_id", node.getServerId());
    json.put("region", node.getRegion());
    json.put("state", draining(node) ? "draining" : "up");
    json.put("connections", node.getConnections());
    json.put("capacity", node.getCapacity());
    json.put("weight", node.getWeight());
    json.put("ip_count", report == null ? null : report.ipCount());
    json.put("tcp_address", node.getTcpAddress());
    json.put("ws_address", node.getWsAddress());
    json.put("wss_address", node.getWssAddress());
    json.put("grpc_address", node.getGrpcAddress());
    json.put("epoch_unix_ms", node.getEpoch());
    json.put("last_renew_unix_ms", node.getLastRenewUnixMs());
    json.put("last_renew_age_ms", Math.max(0, now - node.getLastRenewUnixMs()));
    return json;
  }
}
