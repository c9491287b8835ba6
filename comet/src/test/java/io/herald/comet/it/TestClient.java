package io.herald.comet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What the TCP and WebSocket test clients share: sending frames, and what arrived. */
abstract class TestClient implements AutoCloseable {
  /** Clients read batches, so they take larger frames than a Comet does. */
  static final FrameLimits LIMITS = new FrameLimits(1 << 20);

  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

  /** Every op-9 frame that arrived, as the frames it held (which also went to received). */
  final List<List<Received>> batches = new CopyOnWriteArrayList<>();

  final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final List<Received> seen = new ArrayList<>();

  abstract void sendBytes(byte[] bytes);

  void send(ProtocolVersion version, int op, int seq, byte[] body) {
    Frame frame = new Frame(version, op, seq, Unpooled.wrappedBuffer(body));
    ByteBuf encoded = FrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
    try {
      sendBytes(ByteBufUtil.getBytes(encoded));
    } finally {
      encoded.release();
      frame.release();
    }
  }

  void send(ProtocolVersion version, int op, int seq, String body) {
    send(version, op, seq, body.getBytes(StandardCharsets.UTF_8));
  }

  void auth(ProtocolVersion version, String json) {
    send(version, Op.AUTH, 1, json);
  }

  /**
   * Decodes whole frames (an op-9 frame into its inner frames) into {@link #received}, and records
   * each op-9 frame in {@link #batches}.
   */
  void accept(ByteBuf bytes) {
    while (bytes.isReadable()) {
      Frame frame = FrameCodec.decode(bytes, LIMITS);
      try {
        if (frame.op() == Op.RAW) {
          List<Received> batch = new ArrayList<>();
          for (Frame inner : RawBatch.split(frame.body(), LIMITS)) {
            batch.add(Received.of(inner));
            inner.release();
          }
          batches.add(List.copyOf(batch));
          received.addAll(batch);
        } else {
          received.add(Received.of(frame));
        }
      } finally {
        frame.release();
      }
    }
  }

  /** The next frame matching {@code wanted} within {@code timeout}, skipping others (kept). */
  Received await(Predicate<Received> wanted, Duration timeout) throws InterruptedException {
    for (Received r : seen) {
      if (wanted.test(r)) {
        seen.remove(r);
        return r;
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Received r = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
      assertThat(r).as("a frame arrives within %s", timeout).isNotNull();
      if (wanted.test(r)) {
        return r;
      }
      seen.add(r);
    }
  }

  Received awaitOp(int op) throws InterruptedException {
    return await(r -> r.op() == op, Duration.ofSeconds(10));
  }

  /** Frames matching {@code wanted} that arrive within {@code window}. */
  List<Received> collect(Predicate<Received> wanted, Duration window) throws InterruptedException {
    List<Received> out = new ArrayList<>();
    seen.removeIf(r -> wanted.test(r) && out.add(r));
    long deadline = System.nanoTime() + window.toNanos();
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      Received r = received.poll(left, TimeUnit.NANOSECONDS);
      if (r != null && wanted.test(r)) {
        out.add(r);
      } else if (r != null) {
        seen.add(r);
      }
    }
    return out;
  }

  boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public abstract void close() throws IOException;
}
