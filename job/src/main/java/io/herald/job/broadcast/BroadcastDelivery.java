package io.herald.job.broadcast;

import io.herald.job.lanes.CallKind;
import io.herald.job.lanes.CometCall;
import io.herald.job.lanes.CometLanes;
import io.herald.job.lanes.Outcome;
import io.herald.job.lanes.RecordCompletion;
import io.herald.proto.comet.v1.BroadcastRequest;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.registry.v1.CometNode;
import io.herald.registry.RegistryView;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Broadcast records: {@code Broadcast} on every registered Comet (UP or DRAINING), the record's
 * cluster-wide speed split among them by their connections ({@link BroadcastSpeeds}). Runs on the
 * dispatcher's loop.
 */
public final class BroadcastDelivery {
  private final RegistryView registry;
  private final CometLanes lanes;

  public BroadcastDelivery(RegistryView registry, CometLanes lanes) {
    this.registry = registry;
    this.lanes = lanes;
  }

  /**
   * Delivers a broadcast record; {@code done} completes when every Comet's call has ended, each
   * traced under {@code trace}.
   */
  public void deliver(PushMsg msg, Context trace, CompletableFuture<Void> done) {
    List<CometNode> nodes = registry.nodes();
    if (nodes.isEmpty()) {
      done.complete(null);
      return;
    }
    Map<String, Integer> speeds = BroadcastSpeeds.split(msg.getSpeed(), nodes);
    List<CompletableFuture<Outcome>> calls = new ArrayList<>(nodes.size());
    speeds.forEach(
        (serverId, speed) -> {
          BroadcastRequest request = request(msg, speed);
          calls.add(
              lanes.submit(
                  new CometCall(
                      CallKind.BROADCAST,
                      serverId,
                      stub -> stub.broadcast(request),
                      msg.getAcceptUnixMs(),
                      done::isCancelled,
                      trace)));
        });
    RecordCompletion.whenAll(calls, List.of(done));
  }

  /** A broadcast record's {@code Broadcast} request for a Comet given {@code speed}. */
  private static BroadcastRequest request(PushMsg msg, int speed) {
    return BroadcastRequest.newBuilder()
        .setOp(msg.getOp())
        .setBody(msg.getBody())
        .setSpeed(speed)
        .setMessageId(msg.getMessageId())
        .setAcceptUnixMs(msg.getAcceptUnixMs())
        .build();
  }
}
