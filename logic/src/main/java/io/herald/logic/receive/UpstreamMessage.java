package io.herald.logic.receive;

import com.google.protobuf.ByteString;

/**
 * A message a client sent upstream (op 4 SEND_MSG or a business op), as its Comet handed it over.
 *
 * @param mid the sender
 * @param key the sender's device key
 * @param serverId the Comet it arrived on
 * @param op the frame's op
 * @param body the frame's body
 * @param seq the frame's seq (the client matches the reply by it)
 * @param receivedAtMillis when Logic received it, Unix ms
 */
public record UpstreamMessage(
    long mid,
    String key,
    String serverId,
    int op,
    ByteString body,
    int seq,
    long receivedAtMillis) {}
