package io.herald.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * One connection attempt to one node: TCP connect, the WebSocket handshake (on {@code
 * ws://host:port} and the configured path), AUTH and its reply, all within {@code connectTimeout}.
 * A connection that authenticates after its attempt was given up is closed.
 */
final class Connector {

  /** An authenticated connection and what its AUTH_REPLY said. */
  record Attempt(ServerConnection connection, FrameBodies.Reply reply) {}

  private final ClientConfig config;
  private final Bootstrap bootstrap;
  private final AdaptiveHeartbeat adaptive;
  private final ClientScheduler timers;

  /**
   * @param bootstrap a bootstrap with the channel class; the connector sets the group and the
   *     connect timeout
   * @param timers timers whose tasks run on {@code loop}
   */
  Connector(
      ClientConfig config,
      EventLoop loop,
      Bootstrap bootstrap,
      AdaptiveHeartbeat adaptive,
      ClientScheduler timers) {
    this.config = config;
    this.bootstrap =
        bootstrap
            .group(loop)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
    this.adaptive = adaptive;
    this.timers = timers;
  }

  /**
   * Connects to {@code node} ({@code host:port}) and authenticates with {@code auth}; the
   * connection then reports to {@code events}. Fails with what went wrong: an unparsable node, a
   * refused connection, the server closing before AUTH_REPLY, or a {@link TimeoutException}.
   */
  CompletableFuture<Attempt> connect(String node, byte[] auth, ServerConnection.Events events) {
    CompletableFuture<Attempt> result = new CompletableFuture<>();
    HostPort address;
    try {
      address = HostPort.parse(node);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    boolean webSocket = config.transport() == Transport.WEBSOCKET;
    ServerConnection handler =
        new ServerConnection(
            config.version(), auth, webSocket, adaptive, timers, config.requestTimeout(), events);
    URI uri = webSocket ? URI.create("ws://" + address + config.webSocketPath()) : null;
    ChannelFuture connecting =
        bootstrap
            .clone()
            .handler(
                new ClientChannelInitializer(
                    uri, config.limits(), config.connectTimeout().toMillis(), handler))
            .connect(address.host(), address.port());
    ClientScheduler.Cancellable deadline =
        timers.schedule(
            () -> {
              if (result.completeExceptionally(
                  new TimeoutException("not authenticated within " + config.connectTimeout()))) {
                var unused = connecting.channel().close();
              }
            },
            config.connectTimeout());
    connecting.addListener(
        f -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(f.cause());
          }
        });
    var unused =
        handler
            .authenticated()
            .whenComplete(
                (reply, error) -> {
                  deadline.cancel();
                  if (error != null) {
                    result.completeExceptionally(error);
                  } else if (!result.complete(new Attempt(handler, reply))) {
                    handler.close("connection attempt abandoned");
                  }
                });
    return result;
  }
}
