package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client on a plain blocking socket, as goim's Go benchmark client is: frames in, frames out. */
final class TcpTestClient implements AutoCloseable {
  /** A frame the client received, copied out. */
  record Received(ProtocolVersion version, int op, int seq, ByteString body) {
    String text() {
      return body.toStringUtf8();
    }

    int bodyInt() {
      return body.asReadOnlyByteBuffer().getInt();
    }
  }

  private static final FrameLimits LIMITS = new FrameLimits(1 << 20);

  private final Socket socket;
  private final OutputStream out;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  TcpTestClient(int port) throws IOException {
    this(new Socket(), port);
  }

  /** Connects {@code socket} (e.g. an unconnected {@code SSLSocket}) to 127.0.0.1:{@code port}. */
  TcpTestClient(Socket socket, int port) throws IOException {
    this.socket = socket;
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    Thread reader = new Thread(this::read, "tcp-test-client");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
      while (true) {
        int packLen = in.readInt();
        byte[] rest = new byte[packLen - 4];
        in.readFully(rest);
        ByteBuf bytes = Unpooled.buffer(packLen).writeInt(packLen).writeBytes(rest);
        try {
          Frame frame = FrameCodec.decode(bytes, LIMITS);
          try {
            received.add(
                new Received(
                    frame.version(),
                    frame.op(),
                    frame.seq(),
                    ByteString.copyFrom(frame.body().nioBuffer())));
          } finally {
            frame.release();
          }
        } finally {
          bytes.release();
        }
      }
    } catch (IOException | RuntimeException e) {
      closed.complete(null);
    }
  }

  void send(ProtocolVersion version, int op, int seq, String body) throws IOException {
    Frame frame = new Frame(version, op, seq, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    ByteBuf encoded = FrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
    try {
      out.write(ByteBufUtil.getBytes(encoded));
      out.flush();
    } finally {
      encoded.release();
      frame.release();
    }
  }

  /** The next frame of {@code op}, skipping others, within {@code timeout}. */
  Received await(int op, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Received next = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
      assertThat(next).as("a frame of op %s within %s", op, timeout).isNotNull();
      if (next.op() == op) {
        return next;
      }
    }
  }

  /** Completes when the server closed the connection. */
  CompletableFuture<Void> closed() {
    return closed;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
