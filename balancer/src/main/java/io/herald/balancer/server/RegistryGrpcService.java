package io.herald.balancer.server;

import io.grpc.stub.StreamObserver;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.GetNodeRequest;
import io.herald.proto.registry.v1.GetNodeResponse;
import io.herald.proto.registry.v1.ListNodesRequest;
import io.herald.proto.registry.v1.ListNodesResponse;
import io.herald.proto.registry.v1.NodeState;
import io.herald.proto.registry.v1.RegistryGrpc;
import io.herald.registry.RegistryView;
import java.util.NoSuchElementException;

/** gRPC {@code Registry}: the registry as the Balancer sees it, read-only. */
final class RegistryGrpcService extends RegistryGrpc.RegistryImplBase {
  private final RegistryView registry;

  RegistryGrpcService(RegistryView registry) {
    this.registry = registry;
  }

  @Override
  public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> response) {
    ListNodesResponse.Builder reply = ListNodesResponse.newBuilder();
    for (CometNode node : registry.nodes()) {
      boolean regionMatches =
          request.getRegion().isEmpty() || request.getRegion().equals(node.getRegion());
      boolean stateMatches =
          node.getState() == NodeState.NODE_STATE_UP || request.getIncludeDraining();
      if (regionMatches && stateMatches) {
        reply.addNodes(node);
      }
    }
    response.onNext(reply.build());
    response.onCompleted();
  }

  @Override
  public void getNode(GetNodeRequest request, StreamObserver<GetNodeResponse> response) {
    if (request.getServerId().isBlank()) {
      throw new IllegalArgumentException("server_id: empty (expected: a Comet's server id)");
    }
    CometNode node =
        registry
            .node(request.getServerId())
            .orElseThrow(
                () ->
                    new NoSuchElementException("no Comet registered as " + request.getServerId()));
    response.onNext(GetNodeResponse.newBuilder().setNode(node).build());
    response.onCompleted();
  }
}
