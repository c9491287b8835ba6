package io.herald.comet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.comet.session.TransportKind;
import io.herald.proto.common.v1.NodeAddress;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The op-21 RECONNECT bodies of a drain, one per transport: {@code
 * {"reason":"draining","nodes":["host:port",...]}} listing the hinted nodes' addresses for the
 * transport the client came in on (TCP clients get TCP addresses, WebSocket clients WS ones, WSS
 * clients WSS ones), best first; nodes without one are left out. TCP+TLS clients get no nodes,
 * since the registry records no TCP+TLS address: like every client given none, they ask the
 * Balancer again.
 */
final class ReconnectHints {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<TransportKind, String> bodies = new EnumMap<>(TransportKind.class);

  ReconnectHints(List<NodeAddress> hints) {
    bodies.put(TransportKind.TCP, body(hints, NodeAddress::getTcp));
    bodies.put(TransportKind.WS, body(hints, NodeAddress::getWs));
    bodies.put(TransportKind.WSS, body(hints, NodeAddress::getWss));
    bodies.put(TransportKind.TCP_TLS, body(List.of(), NodeAddress::getTcp));
  }

  /** The body for a client on {@code transport}; TCP's when unknown ({@code null}). */
  String body(TransportKind transport) {
    return bodies.get(transport == null ? TransportKind.TCP : transport);
  }

  private static String body(List<NodeAddress> hints, Function<NodeAddress, String> address) {
    ObjectNode body = JSON.createObjectNode().put("reason", "draining");
    ArrayNode nodes = body.putArray("nodes");
    for (NodeAddress hint : hints) {
      String value = address.apply(hint);
      if (!value.isEmpty()) {
        nodes.add(value);
      }
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
