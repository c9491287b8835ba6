package io.herald.comet.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Comet's gRPC port for Job, Logic and operators, on the shaded Netty transport (so the Comet's
 * own Netty can move independently), bound to the listen host like the client listeners.
 */
final class GrpcEndpoint {
  private final Server server;

  /**
   * Serves {@code service} behind {@code tracing} (which reads each call's trace context), {@code
   * errors} and {@code admin} (which guards the operator's calls), in that order, on {@code
   * host:port}, plaintext or mutual TLS as {@code credentials} say.
   *
   * @throws IllegalStateException if the port cannot be bound
   */
  GrpcEndpoint(
      String host,
      int port,
      ServerCredentials credentials,
      BindableService service,
      ServerInterceptor admin,
      ServerInterceptor errors,
      ServerInterceptor tracing) {
    InetSocketAddress address = new InetSocketAddress(host, port);
    try {
      server =
          NettyServerBuilder.forAddress(address, credentials)
              .addService(ServerInterceptors.intercept(service, admin, errors, tracing))
              .build()
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot serve gRPC on " + address + ": " + e, e);
    }
  }

  /** Refuses new calls, lets those under way finish within {@code timeout}, then cancels them. */
  void stop(Duration timeout) {
    server.shutdown();
    try {
      if (!server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
