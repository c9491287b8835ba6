package io.herald.wire;

/**
 * How large a frame a decoder accepts. The default body limit is goim's 4 KiB; a deployment may
 * raise it (clients receiving op-9 batches typically use a larger one than servers).
 *
 * @param maxBodyLength the largest body accepted, in bytes (1 to 64 MiB)
 */
public record FrameLimits(int maxBodyLength) {

  /** The largest body a deployment may configure: 64 MiB. */
  public static final int MAX_BODY_LENGTH_CEILING = 64 << 20;

  /** goim's limit: bodies up to 4 KiB. */
  public static final FrameLimits DEFAULT = new FrameLimits(4096);

  public FrameLimits {
    if (maxBodyLength < 1 || maxBodyLength > MAX_BODY_LENGTH_CEILING) {
      throw new IllegalArgumentException(
          "maxBodyLength: " + maxBodyLength + " (expected: 1-" + MAX_BODY_LENGTH_CEILING + ")");
    }
  }

  /** The largest whole packet (header of either version plus body) these limits accept. */
  public int maxPacketLength() {
    return ProtocolVersion.V2.headerLength() + maxBodyLength;
  }
}
