package io.herald.dist;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** goim's TCP client, protocol version 1: frames in, op-9 batches split. */
final class GoimClient implements AutoCloseable {
  private static final FrameLimits LIMITS = new FrameLimits(1 << 20);
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final Socket socket;
  private final InputStream in;
  private final ByteBuf buffer = Unpooled.buffer();
  private final List<Received> pending = new ArrayList<>();

  record Received(int op, int seq, String body) {}

  GoimClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(500);
    in = socket.getInputStream();
  }

  void send(int op, int seq, String body) throws IOException {
    Frame frame =
        new Frame(ProtocolVersion.V1, op, seq, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    ByteBuf encoded = FrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
    try {
      byte[] bytes = new byte[encoded.readableBytes()];
      encoded.readBytes(bytes);
      socket.getOutputStream().write(bytes);
    } finally {
      encoded.release();
      frame.release();
    }
  }

  Received next(int op) throws IOException {
    return next(op, WAIT);
  }

  String nextBody(int op, Duration timeout) throws IOException {
    return next(op, timeout).body();
  }

  /** The next frame of {@code op}, skipping others (heartbeat replies and the like). */
  Received next(int op, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int i = 0; i < pending.size(); i++) {
        if (pending.get(i).op() == op) {
          return pending.remove(i);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no op " + op + " within " + timeout + "; got " + pending);
      }
      byte[] chunk = new byte[4096];
      int n;
      try {
        n = in.read(chunk);
      } catch (java.net.SocketTimeoutException e) {
        continue;
      }
      if (n < 0) {
        throw new IOException("closed by the Comet");
      }
      buffer.writeBytes(chunk, 0, n);
      decode();
    }
  }

  private void decode() {
    while (buffer.readableBytes() >= 4
        && buffer.readableBytes() >= buffer.getInt(buffer.readerIndex())) {
      Frame frame = FrameCodec.decode(buffer, LIMITS);
      try {
        if (frame.op() == Op.RAW) {
          for (Frame inner : RawBatch.split(frame.body(), LIMITS)) {
            pending.add(received(inner));
            inner.release();
          }
        } else {
          pending.add(received(frame));
        }
      } finally {
        frame.release();
      }
    }
    buffer.discardReadBytes();
  }

  private static Received received(Frame frame) {
    return new Received(frame.op(), frame.seq(), frame.body().toString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    buffer.release();
    socket.close();
  }
}
