package io.herald.job.dispatch;

import io.herald.proto.comet.v1.BroadcastRequest;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.queue.v1.PushMsg;
import java.util.ArrayList;
import java.util.List;

/** The Comet requests a push record becomes. Pure. */
final class CometRequests {
  private CometRequests() {}

  /**
   * A unicast record's {@code PushMsg} requests: its keys, at most {@code keysPerCall} per request,
   * with its message id, ack flag and (for one user's record) inbox sequence.
   */
  static List<PushMsgRequest> pushMsg(PushMsg msg, int keysPerCall) {
    long inboxSeq = msg.getMidsCount() == 1 ? msg.getInboxSeq() : 0;
    List<PushMsgRequest> requests = new ArrayList<>();
    for (int from = 0; from < msg.getKeysCount(); from += keysPerCall) {
      requests.add(
          PushMsgRequest.newBuilder()
              .addAllKeys(
                  msg.getKeysList().subList(from, Math.min(from + keysPerCall, msg.getKeysCount())))
              .setOp(msg.getOp())
              .setBody(msg.getBody())
              .setMessageId(msg.getMessageId())
              .setRequireAck(msg.getRequireAck() && msg.getMessageId() != 0)
              .setInboxSeq(inboxSeq)
              .setAcceptUnixMs(msg.getAcceptUnixMs())
              .build());
    }
    return requests;
  }

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
