package io.herald.balancer.server;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.StreamObserver;
import io.herald.balancer.NodeQuery;
import io.herald.balancer.NodeSelector;
import io.herald.balancer.Selection;
import io.herald.proto.balancer.v1.BalancerGrpc;
import io.herald.proto.balancer.v1.NodesRequest;
import io.herald.proto.balancer.v1.NodesResponse;

/**
 * gRPC {@code Balancer.Nodes}: the same selection as {@code GET /nodes}. The client's address is
 * {@code client_ip} when the caller (a proxy, Logic) passes it on, else the caller's own. Bad
 * arguments become {@code INVALID_ARGUMENT} in {@link BalancerServer#STATUSES}.
 */
final class BalancerGrpcService extends BalancerGrpc.BalancerImplBase {
  private final NodeSelector selector;
  private final BalancerMetrics metrics;

  BalancerGrpcService(NodeSelector selector, BalancerMetrics metrics) {
    this.selector = selector;
    this.metrics = metrics;
  }

  @Override
  public void nodes(NodesRequest request, StreamObserver<NodesResponse> response) {
    Selection selection;
    try {
      selection = selector.select(query(request));
    } catch (IllegalArgumentException e) {
      metrics.badRequest("grpc");
      throw e;
    }
    metrics.answered("grpc", selection);
    NodesResponse.Builder reply =
        NodesResponse.newBuilder()
            .setClientRegion(selection.location().region().orElse(""))
            .setHeartbeat(selection.heartbeat().toProto())
            .setBackoff(selection.backoff().toProto());
    selection.nodes().forEach(node -> reply.addNodes(Selection.address(node)));
    response.onNext(reply.build());
    response.onCompleted();
  }

  private static NodeQuery query(NodesRequest request) {
    String clientIp =
        request.getClientIp().isBlank()
            ? ServiceRequestContext.current().clientAddress().getHostAddress()
            : request.getClientIp();
    return new NodeQuery(
        request.getPlatform(),
        request.hasLatitude() ? request.getLatitude() : null,
        request.hasLongitude() ? request.getLongitude() : null,
        clientIp,
        request.getLimit());
  }
}
