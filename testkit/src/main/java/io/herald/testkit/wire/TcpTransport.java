package io.herald.testkit.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A blocking socket, as goim's Go clients use one: frames one after another, read by a thread of
 * its own — or by nobody, for a client that stopped reading.
 */
final class TcpTransport implements WireTransport {
  private final Socket socket;
  private final OutputStream out;
  private final Sink sink;

  /**
   * Connects {@code socket} (a plain one, or an unconnected {@code SSLSocket}) to {@code
   * host:port}. With {@code reading} false nothing reads, and the receive buffer is small, so the
   * server soon sees a stalled reader.
   */
  TcpTransport(Socket socket, String host, int port, boolean reading, Sink sink) {
    this.socket = socket;
    this.sink = sink;
    try {
      if (!reading) {
        socket.setReceiveBufferSize(4096);
      }
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (reading) {
      Thread reader = new Thread(this::read, "wire-client-tcp-" + port);
      reader.setDaemon(true);
      reader.start();
    }
  }

  private void read() {
    try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
      while (true) {
        int packLen = in.readInt();
        byte[] rest = new byte[packLen - 4];
        in.readFully(rest);
        ByteBuf frame = Unpooled.buffer(packLen).writeInt(packLen).writeBytes(rest);
        try {
          sink.received(frame);
        } finally {
          frame.release();
        }
      }
    } catch (IOException | RuntimeException e) {
      sink.closed();
    }
  }

  @Override
  public synchronized void send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void sendText(String text) {
    throw new UnsupportedOperationException("text messages are WebSocket's");
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
