package io.herald.job.dispatch;

import io.herald.proto.comet.v1.BroadcastRequest;
import io.herald.proto.queue.v1.PushMsg;

/** The Comet requests a push record becomes. Pure. */
final class CometRequests {
  private CometRequests() {}

  /** A broadcast record's {@code Broadcast} request for a Comet given {@code speed}. */
  static BroadcastRequest broadcast(PushMsg msg, int speed) {
    return BroadcastRequest.newBuilder()
        .setOp(msg.getOp())
        .setBody(msg.getBody())
        .setSpeed(speed)
        .setMessageId(msg.getMessageId())
        .setAcceptUnixMs(msg.getAcceptUnixMs())
        .build();
  }
}
