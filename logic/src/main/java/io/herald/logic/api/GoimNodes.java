package io.herald.logic.api;

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
import java.util.function.Function;

/**
 * goim's node list ({@code /goim/nodes/weighted}, {@code Logic.Nodes}) from the Balancer library:
 * hosts best first (ranked as the Balancer ranks them), one port per transport, the heartbeat and
 * the backoff. Web clients get the hosts of WebSocket endpoints, others those of TCP endpoints, as
 * goim gives web clients domains and others addresses.
 *
 * <p>The ports are those the Comets registered: each transport's is the port of the best-ranked
 * Comet serving it, and 0 when none of them does (WSS switched off, say), so a port is never
 * advertised that nothing listens on. goim's reply has one port per transport for every host, so a
 * Comet serving the client's transport on another port is left out of {@code nodes}. With no Comet
 * to list, the reply names {@code domain} with the configured ports (0 for a transport the domain
 * does not serve), or nothing, with every port 0, when no domain is configured.
 */
public final class GoimNodes {
  private final NodeSelector selector;
  private final Config config;

  /**
   * goim's node settings, for when no Comet can be listed.
   *
   * @param domain the domain clients may use instead of the hosts (also the fallback)
   * @param tcpPort the TCP port of {@code domain}; 0 = not served there
   * @param wsPort the WebSocket port of {@code domain}; 0 = not served there
   * @param wssPort the WebSocket-over-TLS port of {@code domain}; 0 = not served there
   */
  public record Config(String domain, int tcpPort, int wsPort, int wssPort) {
    public static final Config DEFAULT = new Config("", 3101, 3102, 3103);

    public Config {
      domain = domain == null ? "" : domain.strip();
      Check.inRange("tcpPort", tcpPort, 0, 65535);
      Check.inRange("wsPort", wsPort, 0, 65535);
      Check.inRange("wssPort", wssPort, 0, 65535);
    }
  }

  public GoimNodes(NodeSelector selector, Config config) {
    this.selector = selector;
    this.config = config;
  }

  public NodesResponse nodes(String platform, String clientIp) {
    Selection selection = selector.select(new NodeQuery(platform, null, null, clientIp, 0));
    List<CometNode> ranked = selection.nodes();
    int tcpPort = port(ranked, CometNode::getTcpAddress);
    int wsPort = port(ranked, CometNode::getWsAddress);
    int wssPort = port(ranked, CometNode::getWssAddress);
    boolean web = "web".equalsIgnoreCase(platform.strip());
    Set<String> hosts = new LinkedHashSet<>();
    for (CometNode node : ranked) {
      String address =
          web
              ? first(on(node.getWsAddress(), wsPort), on(node.getWssAddress(), wssPort))
              : on(node.getTcpAddress(), tcpPort);
      if (!address.isEmpty()) {
        hosts.add(host(address));
      }
    }
    NodesResponse.Builder reply = NodesResponse.newBuilder().setDomain(config.domain());
    if (!hosts.isEmpty()) {
      reply.addAllNodes(new ArrayList<>(hosts)).setTcpPort(tcpPort).setWsPort(wsPort);
      reply.setWssPort(wssPort);
    } else if (!config.domain().isEmpty()) {
      reply.addNodes(config.domain()).setTcpPort(config.tcpPort()).setWsPort(config.wsPort());
      reply.setWssPort(config.wssPort());
    }
    return reply
        .setHeartbeat(selection.heartbeat().toProto())
        .setBackoff(selection.backoff().toProto())
        .build();
  }

  /** The port of the first of {@code ranked} serving the transport {@code address} gives; or 0. */
  private static int port(List<CometNode> ranked, Function<CometNode, String> address) {
    for (CometNode node : ranked) {
      int port = port(address.apply(node));
      if (port > 0) {
        return port;
      }
    }
    return 0;
  }

  /** {@code address} if it is on {@code port}, else empty. */
  private static String on(String address, int port) {
    return port > 0 && port(address) == port ? address : "";
  }

  private static String first(String a, String b) {
    return a.isEmpty() ? b : a;
  }

  /** The host of {@code host:port}, {@code [v6]:port} or a bare host. */
  public static String host(String address) {
    if (address.startsWith("[")) {
      int end = address.indexOf(']');
      return end > 0 ? address.substring(1, end) : address;
    }
    int colon = address.lastIndexOf(':');
    return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
  }

  /** The port of {@code host:port} or {@code [v6]:port}; 0 for a bare host or an empty address. */
  static int port(String address) {
    int colon = address.lastIndexOf(':');
    boolean hasPort =
        colon > 0
            && (address.startsWith("[")
                ? colon == address.indexOf(']') + 1
                : address.indexOf(':') == colon);
    if (!hasPort) {
      return 0;
    }
    try {
      return Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
