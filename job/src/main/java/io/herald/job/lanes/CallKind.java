package io.herald.job.lanes;

import io.grpc.MethodDescriptor;
import io.herald.proto.comet.v1.CometGrpc;

/** The Comet call a delivery makes: the {@code call} tag of Job's fan-out metrics. */
public enum CallKind {
  /** {@code Comet.PushMsg}: unicast, by keys or mids. */
  PUSH("push", CometGrpc.getPushMsgMethod()),
  /** {@code Comet.BroadcastRoom}: a batch of room messages. */
  ROOM("room", CometGrpc.getBroadcastRoomMethod()),
  /** {@code Comet.Broadcast}: everyone on the Comet. */
  BROADCAST("broadcast", CometGrpc.getBroadcastMethod());

  final String tag;

  /** The gRPC method, {@code herald.comet.v1.Comet/PushMsg}: the name of the call's span. */
  final String method;

  final String service;
  final String methodName;

  CallKind(String tag, MethodDescriptor<?, ?> method) {
    this.tag = tag;
    this.method = method.getFullMethodName();
    this.service = method.getServiceName();
    this.methodName = method.getBareMethodName();
  }
}
