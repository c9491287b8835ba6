package io.herald.logic.comet;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.herald.logic.session.Session;
import io.herald.ops.auth.BearerToken;
import io.herald.ops.tls.GrpcTls;
import io.herald.ops.tls.InternalTls;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.CometGrpc.CometFutureStub;
import io.herald.proto.comet.v1.DrainRequest;
import io.herald.proto.comet.v1.DrainResponse;
import io.herald.proto.comet.v1.KickReason;
import io.herald.proto.comet.v1.KickRequest;
import io.herald.proto.comet.v1.KickResponse;
import io.herald.proto.comet.v1.ResyncRequest;
import io.herald.proto.comet.v1.ResyncResponse;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC channels to the Comets, found through the registry: one channel per Comet, reused, and
 * replaced when the Comet's gRPC address changes. Logic uses it to kick connections, to ask Comets
 * to re-announce their sessions, and (for the admin console) to drain one.
 */
public final class CometClients implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CometClients.class);

  private final RegistryView registry;
  private final Duration deadline;
  private final GrpcTls tls;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();

  private record Channel(String address, ManagedChannel channel) {}

  public CometClients(RegistryView registry, Duration deadline) {
    this(registry, deadline, GrpcTls.client("logic", "comet", "cometTls", InternalTls.OFF, null));
  }

  /**
   * Calls the Comets with {@code tls}'s credentials (plaintext or mutual TLS), which {@link
   * #close()} closes.
   */
  public CometClients(RegistryView registry, Duration deadline, GrpcTls tls) {
    this.registry = registry;
    this.deadline = deadline;
    this.tls = tls;
  }

  /**
   * Asks {@code serverId} to close the connections of {@code sessions} (all recorded there under
   * one epoch), telling the clients why; a device that has a newer connection there keeps it.
   * Completes with the keys it closed; exceptionally when the Comet is not registered or the call
   * fails.
   */
  public CompletableFuture<List<String>> kick(
      String serverId, List<Session> sessions, KickReason reason) {
    KickRequest.Builder request =
        KickRequest.newBuilder().setReason(reason).setEpoch(sessions.get(0).serverEpoch());
    for (Session session : sessions) {
      request.addKeys(session.key()).addConnIds(session.connId());
    }
    return call(serverId, stub -> stub.kick(request.build()))
        .thenApply(KickResponse::getKickedKeysList);
  }

  /**
   * Tells {@code serverId} that the session store was emptied ({@code Comet.Resync}), so that it
   * re-announces its connections. Completes with how many it holds.
   */
  public CompletableFuture<Long> resync(String serverId, String incarnation) {
    ResyncRequest request = ResyncRequest.newBuilder().setStoreIncarnation(incarnation).build();
    return call(serverId, stub -> stub.resync(request)).thenApply(ResyncResponse::getConnections);
  }

  /**
   * Asks {@code serverId} to drain ({@code Comet.Drain}) over {@code grace}, or over the Comet's
   * own default when {@code grace} is zero, with no hints: its clients ask the Balancer again. The
   * call carries {@code authorization: Bearer <adminToken>} unless {@code adminToken} is empty.
   * Completes with the Comet's answer; exceptionally when the Comet is not registered ({@link
   * NoSuchElementException}) or the call fails (UNAUTHENTICATED or PERMISSION_DENIED when the Comet
   * does not accept the token).
   */
  public CompletableFuture<DrainResponse> drain(
      String serverId, Duration grace, String adminToken) {
    DrainRequest request = DrainRequest.newBuilder().setGraceMs(grace.toMillis()).build();
    return call(serverId, stub -> bearer(stub, adminToken).drain(request));
  }

  private static CometFutureStub bearer(CometFutureStub stub, String token) {
    if (token.isEmpty()) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(BearerToken.GRPC_AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** {@link #resync}s every registered Comet, in the background; failures are logged. */
  public void resyncAll(String incarnation) {
    for (CometNode node : registry.nodes()) {
      var unused =
          resync(node.getServerId(), incarnation)
              .whenComplete(
                  (connections, error) -> {
                    if (error != null) {
                      log.warn(
                          "Could not ask {} to re-announce its sessions (it will at its next online"
                              + " report): {}",
                          node.getServerId(),
                          error.toString());
                    } else {
                      log.info(
                          "{} re-announces the sessions of {} connections",
                          node.getServerId(),
                          connections);
                    }
                  });
    }
  }

  private <T> CompletableFuture<T> call(
      String serverId, Function<CometFutureStub, ListenableFuture<T>> method) {
    CometNode node = registry.node(serverId).orElse(null);
    if (node == null) {
      return CompletableFuture.failedFuture(
          new NoSuchElementException("Comet " + serverId + " is not registered"));
    }
    ListenableFuture<T> call =
        method.apply(
            CometGrpc.newFutureStub(channel(node))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    CompletableFuture<T> result = new CompletableFuture<>();
    Futures.addCallback(
        call,
        new FutureCallback<>() {
          @Override
          public void onSuccess(T response) {
            result.complete(response);
          }

          @Override
          public void onFailure(Throwable error) {
            result.completeExceptionally(error);
          }
        },
        MoreExecutors.directExecutor());
    return result;
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
                  node.getGrpcAddress(), tls.channelBuilder(node.getGrpcAddress()).build());
            })
        .channel();
  }

  @Override
  public void close() {
    channels.values().forEach(channel -> channel.channel().shutdownNow());
    channels.clear();
    tls.close();
  }
}
