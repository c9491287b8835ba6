package io.herald.testkit.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An L4 load balancer that speaks the PROXY protocol, on a free loopback port: each connection it
 * accepts is relayed to {@code 127.0.0.1:backendPort}, after a PROXY header sent first. The headers
 * go out in the order they were queued ({@link #declare}), one per accepted connection, else the
 * default one; connect clients one after the other to know which got which. Bytes are then copied
 * both ways until either side closes. Threads per connection: a test tool, not a product.
 */
public final class ProxyProtocolRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int backendPort;
  private final byte[] defaultHeader;
  private final BlockingQueue<byte[]> headers = new LinkedBlockingQueue<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  private ProxyProtocolRelay(int backendPort, byte[] defaultHeader) throws IOException {
    this.backendPort = backendPort;
    this.defaultHeader = defaultHeader.clone();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "proxy-relay-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A relay to {@code backendPort} sending {@code defaultHeader} when none is queued. */
  public static ProxyProtocolRelay start(int backendPort, byte[] defaultHeader) {
    try {
      return new ProxyProtocolRelay(backendPort, defaultHeader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where clients connect (127.0.0.1). */
  public int port() {
    return server.getLocalPort();
  }

  /** Queues {@code header} for the next accepted connection, after those queued before. */
  public ProxyProtocolRelay declare(byte[] header) {
    headers.add(header.clone());
    return this;
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        return;
      }
      byte[] header = headers.poll();
      relay(client, header != null ? header : defaultHeader);
    }
  }

  private void relay(Socket client, byte[] header) {
    sockets.add(client);
    Socket backend = new Socket();
    sockets.add(backend);
    try {
      backend.setTcpNoDelay(true);
      client.setTcpNoDelay(true);
      backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort), 5_000);
      OutputStream toBackend = backend.getOutputStream();
      toBackend.write(header);
      toBackend.flush();
      pump(client, backend);
      pump(backend, client);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(backend);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
                to.shutdownOutput(); // a half-close passes through, like a balancer's FIN
              } catch (IOException e) {
                closeQuietly(to);
              } finally {
                closeQuietly(from);
              }
            },
            "proxy-relay-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    sockets.forEach(ProxyProtocolRelay::closeQuietly);
  }
}
