package io.herald.comet.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.herald.ops.auth.BearerToken;
import io.herald.proto.comet.v1.CometGrpc;
import java.net.SocketAddress;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the operator's calls on the Comet's gRPC port — {@code Drain}, which makes every client
 * leave — so they are never served unauthenticated beyond loopback. With admin tokens configured a
 * call must carry {@code authorization: Bearer <one of them>}, else it is UNAUTHENTICATED. Without
 * tokens it is served only when the port keeps strangers out itself (bound to a loopback address,
 * or every caller proved by mutual TLS), else PERMISSION_DENIED, naming what to configure. The
 * other calls (pushes from Job, kicks and resyncs from Logic) are internal and pass untouched.
 *
 * <p>A refusal is logged at WARN with the caller's address (never what it sent) and counted by
 * {@link CometGrpcErrors} under its status.
 */
public final class AdminCalls implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AdminCalls.class);

  /** The calls guarded. */
  static final Set<String> GUARDED = Set.of(CometGrpc.getDrainMethod().getFullMethodName());

  private final List<byte[]> tokens;
  private final boolean portIsPrivate;

  /**
   * @param tokens the accepted admin tokens; empty: none
   * @param portIsPrivate whether only the trusted can reach the port: bound to a loopback address,
   *     or mutual TLS on it
   */
  public AdminCalls(List<String> tokens, boolean portIsPrivate) {
    this.tokens = tokens.stream().map(BearerToken::digest).toList();
    this.portIsPrivate = portIsPrivate;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (!GUARDED.contains(method)) {
      return next.startCall(call, headers);
    }
    Status refusal = refusal(headers.get(BearerToken.GRPC_AUTHORIZATION));
    if (refusal == null) {
      return next.startCall(call, headers);
    }
    SocketAddress caller = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    log.warn(
        "Refused {} from {}: {}",
        call.getMethodDescriptor().getBareMethodName(),
        caller,
        refusal.getDescription());
    call.close(refusal, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** Why a call with this {@code authorization} is refused, or null if it is not. */
  private Status refusal(String authorization) {
    if (tokens.isEmpty()) {
      return portIsPrivate
          ? null
          : Status.PERMISSION_DENIED.withDescription(
              "Drain is not served on a gRPC port bound beyond loopback without admin.tokens or"
                  + " listen.grpcTls (configure admin.tokens, and Logic's admin.cometToken, or"
                  + " stop the Comet with SIGTERM, which drains it)");
    }
    BearerToken.Presented presented = BearerToken.read(authorization);
    if (!presented.present()) {
      return Status.UNAUTHENTICATED.withDescription(presented.problem());
    }
    return BearerToken.indexOf(tokens, presented.token()) < 0
        ? Status.UNAUTHENTICATED.withDescription("invalid bearer token")
        : null;
  }
}
