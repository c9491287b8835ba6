package io.herald.job.lanes;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.herald.ops.tls.GrpcTls;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.registry.v1.CometNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One gRPC channel per Comet, opened at its first call to the address it registered, reused by
 * every call after, replaced when the Comet registers another address and closed when it leaves the
 * registry. Not thread-safe: the dispatcher's loop owns it.
 */
final class CometChannels implements AutoCloseable {
  private record Open(String address, ManagedChannel channel) {}

  private final Map<String, Open> channels = new HashMap<>();
  private final ClientInterceptor interceptor;
  private final GrpcTls tls;

  /**
   * Channels whose calls go through {@code interceptor} (trace context into the metadata), with
   * {@code tls}'s credentials (plaintext or mutual TLS), which {@link #close()} closes.
   */
  CometChannels(ClientInterceptor interceptor, GrpcTls tls) {
    this.interceptor = interceptor;
    this.tls = tls;
  }

  /** A stub on {@code node}'s channel, opening or replacing the channel as needed. */
  CometGrpc.CometFutureStub stub(CometNode node) {
    Open open = channels.get(node.getServerId());
    if (open == null || !open.address().equals(node.getGrpcAddress())) {
      if (open != null) {
        open.channel().shutdown(); // calls under way finish; new ones use the new address
      }
      open =
          new Open(
              node.getGrpcAddress(),
              tls.channelBuilder(node.getGrpcAddress()).intercept(interceptor).build());
      channels.put(node.getServerId(), open);
    }
    return CometGrpc.newFutureStub(open.channel());
  }

  /**
   * Lets {@code serverId}'s channel reconnect at once instead of after gRPC's own backoff (up to
   * two minutes); Job's retries pace the attempts instead.
   */
  void resetBackoff(String serverId) {
    Open open = channels.get(serverId);
    if (open != null) {
      open.channel().resetConnectBackoff();
    }
  }

  /** Closes the channel of {@code serverId}, if open. */
  void close(String serverId) {
    Open open = channels.remove(serverId);
    if (open != null) {
      open.channel().shutdown();
    }
  }

  /** Server ids with an open channel. */
  Set<String> open() {
    return Set.copyOf(channels.keySet());
  }

  @Override
  public void close() {
    channels.values().forEach(open -> open.channel().shutdownNow());
    channels.clear();
    tls.close();
  }
}
