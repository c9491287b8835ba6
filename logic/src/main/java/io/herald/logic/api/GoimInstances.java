package io.herald.logic.api;

import io.herald.logic.online.OnlineView;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * goim's {@code /goim/nodes/instances} entry for one Comet: the {@code naming.Instance} of
 * bilibili's discovery, which goim's Logic answers with, filled from the Comet's registry record.
 *
 * <pre>{@code
 * {"region":"cn-east","zone":"","env":"","appid":"goim.comet","hostname":"comet-a",
 *  "addrs":["grpc://10.0.0.5:3109"],"version":"","latest_timestamp":1733450000000000000,
 *  "metadata":{"weight":"10","offline":"false","addrs":"10.0.0.5","conn_count":"12",
 *              "ip_count":"9", ...Herald's own keys}}
 * }</pre>
 *
 * <p>As in discovery, metadata values are strings and {@code latest_timestamp} is in Unix
 * nanoseconds. {@code zone}, {@code env} and {@code version} have no Herald equivalent and are
 * empty; {@code appid} is goim's Comet appid. {@code ip_count} comes from the Comet's latest online
 * report ({@link OnlineView#servers()}), 0 before its first. The table of every field is in {@code
 * docs/api.md}.
 */
final class GoimInstances {
  /** The appid goim's Comets register under in discovery. */
  static final String APPID = "goim.comet";

  private final OnlineView online;

  GoimInstances(OnlineView online) {
    this.online = online;
  }

  List<Map<String, Object>> of(List<CometNode> nodes) {
    Map<String, OnlineView.Totals> reports = online.servers();
    return nodes.stream().map(node -> instance(node, reports.get(node.getServerId()))).toList();
  }

  static Map<String, Object> instance(CometNode node, OnlineView.Totals report) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("region", node.getRegion());
    json.put("zone", "");
    json.put("env", "");
    json.put("appid", APPID);
    json.put("hostname", node.getServerId());
    json.put("addrs", List.of("grpc://" + node.getGrpcAddress()));
    json.put("version", "");
    json.put("latest_timestamp", TimeUnit.MILLISECONDS.toNanos(node.getLastRenewUnixMs()));
    json.put("metadata", metadata(node, report));
    return json;
  }

  private static Map<String, String> metadata(CometNode node, OnlineView.Totals report) {
    boolean draining = node.getState() == NodeState.NODE_STATE_DRAINING;
    Map<String, String> metadata = new LinkedHashMap<>();
    // goim's keys.
    metadata.put("weight", String.valueOf(node.getWeight()));
    metadata.put("offline", String.valueOf(draining));
    metadata.put("addrs", String.join(",", hosts(node)));
    metadata.put("conn_count", String.valueOf(node.getConnections()));
    metadata.put("ip_count", String.valueOf(report == null ? 0 : report.ipCount()));
    // Herald's: what goim's shape has no place for.
    metadata.put("tcp_address", node.getTcpAddress());
    metadata.put("ws_address", node.getWsAddress());
    metadata.put("wss_address", node.getWssAddress());
    metadata.put("capacity", String.valueOf(node.getCapacity()));
    metadata.put("state", draining ? "draining" : "up");
    return metadata;
  }

  /** The distinct hosts clients reach the Comet on: goim's public addresses. */
  private static Set<String> hosts(CometNode node) {
    Set<String> hosts = new LinkedHashSet<>();
    for (String address :
        List.of(node.getTcpAddress(), node.getWsAddress(), node.getWssAddress())) {
      if (!address.isEmpty()) {
        hosts.add(GoimNodes.host(address));
      }
    }
    return hosts;
  }
}
