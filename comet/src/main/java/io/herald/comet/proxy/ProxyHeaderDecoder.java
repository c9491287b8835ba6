package io.herald.comet.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Netty's PROXY header decoder (v1 and v2; it leaves the pipeline once the header is decoded, and
 * hands the bytes after it on), failing fast when a connection does not start with a PROXY
 * signature at all. Netty's own decoder takes any 13 bytes without the v2 signature for a v1 line
 * and waits up to 108 bytes for its end, so a client speaking Herald frames or HTTP straight to the
 * listener would hang until the header timeout; here its first byte that fits neither signature
 * ends it, as {@link NoProxyHeaderException}. Not sharable: one per connection.
 */
final class ProxyHeaderDecoder extends HAProxyMessageDecoder {
  /** The v2 signature's length; v1's ({@code PROXY}) is shorter. */
  static final int SIGNATURE_BYTES = 12;

  static final int V1 = 1;
  static final int V2 = 2;

  private static final byte[] V1_SIGNATURE = "PROXY".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] V2_SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  /** How many of the connection's first bytes were checked against the signatures. */
  private int checked;

  /** The signatures ({@link #V1}, {@link #V2} bits) the bytes checked so far fit. */
  private int candidates = V1 | V2;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (checked < SIGNATURE_BYTES && msg instanceof ByteBuf in) {
      candidates = narrow(candidates, checked, in);
      checked += Math.min(in.readableBytes(), SIGNATURE_BYTES - checked);
      if (candidates == 0) {
        checked = SIGNATURE_BYTES;
        in.release();
        ctx.fireExceptionCaught(NoProxyHeaderException.INSTANCE);
        return;
      }
    }
    super.channelRead(ctx, msg);
  }

  /**
   * The signatures of {@code candidates} that the readable bytes of {@code in}, standing at {@code
   * position} of the connection's first bytes, still fit (only the first {@value #SIGNATURE_BYTES}
   * bytes of a connection are looked at).
   */
  static int narrow(int candidates, int position, ByteBuf in) {
    int n = Math.min(in.readableBytes(), SIGNATURE_BYTES - position);
    for (int i = 0; i < n && candidates != 0; i++) {
      byte b = in.getByte(in.readerIndex() + i);
      int at = position + i;
      if (at < V1_SIGNATURE.length && b != V1_SIGNATURE[at]) {
        candidates &= ~V1;
      }
      if (b != V2_SIGNATURE[at]) {
        candidates &= ~V2;
      }
    }
    return candidates;
  }

  /** A connection on a PROXY listener that began with something other than a PROXY header. */
  static final class NoProxyHeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final NoProxyHeaderException INSTANCE = new NoProxyHeaderException();

    private NoProxyHeaderException() {
      super("no PROXY protocol signature", null, false, false);
    }
  }
}
