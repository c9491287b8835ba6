package io.herald.logic.comet;

import io.herald.balancer.NodeQuery;
import io.herald.balancer.NodeSelector;
import io.herald.balancer.Selection;
import io.herald.config.Check;
import io.herald.proto.logic.v1.NodesResponse;
import io.herald.proto.registry.v1.CometNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * goim's node list ({@code /goim/nodes/weighted}, {@code Logic.Nodes}) from the Balancer library:
 * hosts best first (ranked as the Balancer ranks them), one port per transport, the heartbeat and
 * the backoff. Web clients get the hosts of WebSocket endpoints, others those of TCP endpoints, as
 * goim gives web clients domains and others addresses; with no node registered, the domain.
 */
public final class GoimNodes {
  private final NodeSelector selector;
  private final Config config;

  /**
   * goim's node settings.
   *
   * @param domain the domain clients may use instead of the hosts (also the fallback)
   * @param tcpPort the TCP port of every listed host
   * @param wsPort the WebSocket port
   * @param wssPort the WebSocket-over-TLS port
   */
  public record Config(String domain, int tcpPort, int wsPort, int wssPort) {
    public static final Config DEFAULT = new Config("", 3101, 3102, 3103);

    public Config {
      domain = domain == null ? "" : domain.strip();
      Check.port("tcpPort", tcpPort);
      Check.port("wsPort", wsPort);
      Check.port("wssPort", wssPort);
    }
  }

  public GoimNodes(NodeSelector selector, Config config) {
    this.selector = selector;
    this.config = config;
  }

  public NodesResponse nodes(String platform, String clientIp) {
    Selection selection = selector.select(new NodeQuery(platform, null, null, clientIp, 0));
    boolean web = "web".equalsIgnoreCase(platform.strip());
    Set<String> hosts = new LinkedHashSet<>();
    for (CometNode node : selection.nodes()) {
      String address =
          web ? first(node.getWsAddress(), node.getWssAddress()) : node.getTcpAddress();
      if (!address.isEmpty()) {
        hosts.add(host(address));
      }
    }
    List<String> listed = new ArrayList<>(hosts);
    if (listed.isEmpty() && !config.domain().isEmpty()) {
      listed.add(config.domain());
    }
    return NodesResponse.newBuilder()
        .setDomain(config.domain())
        .setTcpPort(config.tcpPort())
        .setWsPort(config.wsPort())
        .setWssPort(config.wssPort())
        .addAllNodes(listed)
        .setHeartbeat(selection.heartbeat().toProto())
        .setBackoff(selection.backoff().toProto())
        .build();
  }

  private static String first(String a, String b) {
    return a.isEmpty() ? b : a;
  }

  /** The host of {@code host:port}, {@code [v6]:port} or a bare host. */
  static String host(String address) {
    if (address.startsWith("[")) {
      int end = address.indexOf(']');
      return end > 0 ? address.substring(1, end) : address;
    }
    int colon = address.lastIndexOf(':');
    return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
  }
}
