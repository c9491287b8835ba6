package io.herald.bench.comet;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Comet's push encoding, once per message and version (what a room push costs before it is
 * shared by every member): one 64-byte frame, and ten of them as one op-9 batch (the inner frames'
 * body, what TCP members get, and the whole op-9 frame, what WebSocket members get), in protocol
 * version 1 and 2 (v2 adds a CRC32C over header and body). Pooled direct buffers, released each
 * time, as the Comet does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameEncoderBenchmark {
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  @Param({"V1", "V2"})
  public ProtocolVersion version;

  @Param({"64"})
  public int size;

  private ByteBuf body;
  private final List<Frame> ten = new ArrayList<>();

  @Setup
  public void setUp() {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) ('a' + i % 26);
    }
    body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes));
    for (int i = 0; i < 10; i++) {
      ten.add(new Frame(version, 1000, 0, body.duplicate()));
    }
  }

  /** One frame into a pooled direct buffer sized for it. */
  @Benchmark
  public int singleFrame() {
    Frame frame = new Frame(version, 1000, 0, body.duplicate());
    ByteBuf out = ALLOC.ioBuffer(FrameCodec.encodedLength(frame));
    FrameCodec.encode(frame, out);
    int length = out.readableBytes();
    out.release();
    return length;
  }

  /** Ten frames as an op-9 batch's body: what a TCP member is written. */
  @Benchmark
  public int batchBody10() {
    ByteBuf out = RawBatch.encodeBody(ALLOC, ten);
    int length = out.readableBytes();
    out.release();
    return length;
  }

  /** Ten frames as one whole op-9 frame: what a WebSocket member is written. */
  @Benchmark
  public int batchFrame10() {
    Frame batch = RawBatch.frame(ALLOC, version, ten);
    ByteBuf out = FrameCodec.encode(ALLOC, batch);
    int length = out.readableBytes();
    out.release();
    batch.body().release();
    return length;
  }
}
