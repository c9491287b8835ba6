package io.herald.comet.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A blocking-socket TCP client, like goim's Go benchmark client: frames one after another. */
final class TcpClient extends TestClient {
  private final Socket socket;
  private final OutputStream out;

  TcpClient(String host, int port) throws IOException {
    this(host, port, true);
  }

  /** With {@code reading} false nothing reads the socket: a client that stopped reading. */
  TcpClient(String host, int port, boolean reading) throws IOException {
    socket = new Socket();
    if (!reading) {
      socket.setReceiveBufferSize(4096); // fills sooner: the server sees a stalled reader
    }
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    if (reading) {
      Thread reader = new Thread(this::read, "tcp-test-client");
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
          accept(frame);
        } finally {
          frame.release();
        }
      }
    } catch (IOException | RuntimeException e) {
      closed.complete(null);
    }
  }

  @Override
  void sendBytes(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
