package io.herald.logic.comet;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.KickReason;
import io.herald.proto.comet.v1.KickRequest;
import io.herald.proto.comet.v1.KickResponse;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * gRPC channels to the Comets, found through the registry: one channel per Comet, reused, and
 * replaced when the Comet's gRPC address changes. Logic uses it to kick connections.
 */
public final class CometClients implements AutoCloseable {
  private final RegistryView registry;
  private final Duration deadline;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();

  private record Channel(String address, ManagedChannel channel) {}

  public CometClients(RegistryView registry, Duration deadline) {
    this.registry = registry;
    this.deadline = deadline;
  }

  /**
   * Asks {@code serverId} to close {@code keys}' connections, telling the clients why. Completes
   * with the keys it closed; exceptionally when the Comet is not registered or the call fails.
   */
  public CompletableFuture<List<String>> kick(
      String serverId, List<String> keys, KickReason reason, long epoch) {
    CometNode node = registry.node(serverId).orElse(null);
    if (node == null) {
      return CompletableFuture.failedFuture(
          new NoSuchElementException("Comet " + serverId + " is not registered"));
    }
    KickRequest request =
        KickRequest.newBuilder().addAllKeys(keys).setReason(reason).setEpoch(epoch).build();
    ListenableFuture<KickResponse> call =
        CometGrpc.newFutureStub(channel(node))
            .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
            .kick(request);
    CompletableFuture<List<String>> kicked = new CompletableFuture<>();
    Futures.addCallback(
        call,
        new FutureCallback<>() {
          @Override
          public void onSuccess(KickResponse response) {
            kicked.complete(response.getKickedKeysList());
          }

          @Override
          public void onFailure(Throwable error) {
            kicked.completeExceptionally(error);
          }
        },
        MoreExecutors.directExecutor());
    return kicked;
  }

  private ManagedChannel channel(CometNode node) {
    return channels
        .compute(
            node.getServerId(),
            (id, existing) -> {
              if (existing != null && existing.address().equals(node.getGrpcAddress())) {
                return existing;
              }
              if (existing != null) {
                existing.channel().shutdown();
              }
              return new Channel(
                  node.getGrpcAddress(),
                  Grpc.newChannelBuilder(node.getGrpcAddress(), InsecureChannelCredentials.create())
                      .build());
            })
        .channel();
  }

  @Override
  public void close() {
    channels.values().forEach(channel -> channel.channel().shutdownNow());
    channels.clear();
  }
}
