package io.herald.job.unicast;

import io.herald.job.config.DeliveryConfig;
import io.herald.job.lanes.CallKind;
import io.herald.job.lanes.CometCall;
import io.herald.job.lanes.CometLanes;
import io.herald.job.lanes.Outcome;
import io.herald.job.lanes.RecordCompletion;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.queue.v1.PushMsg;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Unicast records (KEYS, MIDS): the record names its Comet (Logic resolved mid → keys → Comet, one
 * record per Comet); its keys go to that Comet's {@code PushMsg}, at most {@code maxKeysPerCall}
 * per call (the lane sends it with the other pushes queued for that Comet in one {@code PushMsgs},
 * see {@link CometLanes}). A Comet Logic just saw may not be in this Job's registry view yet, so
 * the record waits for it until {@code unknownCometGrace} after Logic accepted it. A record whose
 * Comet is gone, refused it or kept failing past {@code giveUpAfter} is counted undeliverable and
 * skipped: the client catches up through inbox sync. Runs on the dispatcher's loop.
 */
public final class UnicastDelivery {
  private final CometLanes lanes;
  private final long graceMillis;
  private final int keysPerCall;
  private final UnicastMetrics metrics;

  public UnicastDelivery(DeliveryConfig delivery, CometLanes lanes, UnicastMetrics metrics) {
    this.lanes = lanes;
    this.graceMillis = delivery.unknownCometGrace().toMillis();
    this.keysPerCall = delivery.maxKeysPerCall();
    this.metrics = metrics;
  }

  /**
   * Delivers a unicast record; {@code done} completes when its calls have ended, each traced under
   * {@code trace}.
   */
  public void deliver(PushMsg msg, Context trace, CompletableFuture<Void> done) {
    CompletableFuture<Outcome> sent =
        lanes.whenRegistered(
            msg.getServerId(),
            msg.getAcceptUnixMs() + graceMillis,
            CallKind.PUSH,
            () -> send(msg, trace, done));
    RecordCompletion.complete(List.of(done), sent, metrics::undeliverable);
  }

  private CompletableFuture<Outcome> send(
      PushMsg msg, Context trace, CompletableFuture<Void> done) {
    List<CompletableFuture<Outcome>> calls = new ArrayList<>();
    for (PushMsgRequest request : requests(msg, keysPerCall)) {
      calls.add(
          lanes.submit(
              CometCall.push(
                  msg.getServerId(),
                  request,
                  msg.getAcceptUnixMs(),
                  done::isCancelled,
                  trace,
                  metrics::absentKeys)));
    }
    return Outcome.worst(calls);
  }

  /**
   * A unicast record's {@code PushMsg} requests: its keys, at most {@code keysPerCall} per request,
   * with its message id and ack flag and, for a stored message (Logic publishes one record per user
   * then, so every key is that user's), its inbox epoch, seq and notify flag.
   */
  static List<PushMsgRequest> requests(PushMsg msg, int keysPerCall) {
    boolean stored = msg.getInboxSeq() > 0 && msg.getMidsCount() <= 1;
    long inboxSeq = stored ? msg.getInboxSeq() : 0;
    long inboxEpoch = stored ? msg.getInboxEpoch() : 0;
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
              .setInboxEpoch(inboxEpoch)
              .setNotify(stored && msg.getNotify())
              .setAcceptUnixMs(msg.getAcceptUnixMs())
              .build());
    }
    return requests;
  }
}
