package io.herald.wire;

/** Why a peer's bytes were refused. The tag value is bounded, so it may label a metric. */
public enum ProtocolError {
  /** The body is larger than the configured limit. */
  FRAME_TOO_LARGE("frame_too_large"),
  /** packLen is negative, shorter than a header, or disagrees with the bytes present. */
  BAD_PACKET_LENGTH("bad_packet_length"),
  /** headerLen is neither 16 (version 1) nor 20 (version 2), or ver disagrees with it. */
  BAD_HEADER("bad_header"),
  /** A version 2 frame whose CRC32C does not match its header and body. */
  BAD_CHECKSUM("bad_checksum"),
  /** A WebSocket message that is not one binary frame (text, or an unaggregated fragment). */
  NOT_BINARY("not_binary"),
  /** An op-9 batch whose body is not a sequence of whole, non-batch frames. */
  MALFORMED_BATCH("malformed_batch");

  private final String tag;

  ProtocolError(String tag) {
    this.tag = tag;
  }

  /** The metric tag value, e.g. {@code frame_too_large}. */
  public String tag() {
    return tag;
  }
}
