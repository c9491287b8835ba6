package io.herald.wire.fuzz;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, so a fuzz target can check, after each
 * input, that every one of them was released ({@code refCnt() == 0}): a deterministic leak check
 * per input, on top of Netty's sampling leak detector (which still wraps these buffers: the test
 * JVM runs it at {@code paranoid}). Slices and duplicates share their parent's count, so checking
 * the parents covers them.
 *
 * <p>Direct and I/O buffers are heap buffers here: an embedded channel never does I/O, and heap
 * memory keeps millions of inputs cheap. Not thread-safe: one per input, on one thread.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
  private final List<ByteBuf> allocated = new ArrayList<>();

  public TrackingAllocator() {
    super(false);
  }

  /** An embedded channel whose handlers allocate from this allocator. */
  public EmbeddedChannel channel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(this);
    return channel;
  }

  /** A tracked buffer holding {@code bytes[from, to)}. */
  public ByteBuf copyOf(byte[] bytes, int from, int to) {
    return heapBuffer(to - from).writeBytes(bytes, from, to - from);
  }

  /** A tracked buffer holding all of {@code bytes}. */
  public ByteBuf copyOf(byte[] bytes) {
    return copyOf(bytes, 0, bytes.length);
  }

  /** How many buffers were handed out. */
  public int allocations() {
    return allocated.size();
  }

  /**
   * @throws AssertionError naming the first buffer still referenced
   */
  public void assertAllReleased() {
    for (int i = 0; i < allocated.size(); i++) {
      ByteBuf buf = allocated.get(i);
      if (buf.refCnt() != 0) {
        throw new AssertionError(
            "buffer "
                + (i + 1)
                + " of "
                + allocated.size()
                + " not released: refCnt "
                + buf.refCnt()
                + ", "
                + buf);
      }
    }
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return newHeapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    CompositeByteBuf buf = new CompositeByteBuf(this, false, maxNumComponents);
    allocated.add(buf);
    return toLeakAwareBuffer(buf);
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return compositeHeapBuffer(maxNumComponents);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  private ByteBuf track(ByteBuf buf) {
    allocated.add(buf);
    return toLeakAwareBuffer(buf);
  }
}
