package io.herald.comet.push;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * One frame to push, as a delivery request carries it: op, seq and body. The body is the request's
 * own bytes, passed through to the encoding without a copy.
 *
 * @param op the frame's op; not 9 (batches are made by the write path)
 * @param seq the frame's seq (0 for pushes)
 * @param body the frame's body
 */
public record PushFrame(int op, int seq, ByteString body) {
  public PushFrame {
    Objects.requireNonNull(body, "body");
  }
}
