package io.herald.logic.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;
import java.util.Optional;

/**
 * Lets a {@code Push} call in only with metadata {@code authorization: Bearer <token>} naming a
 * configured token; otherwise closes it {@code UNAUTHENTICATED} before the method runs, and counts
 * it ({@code result=unauthorized}).
 */
final class BearerAuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerTokens tokens;
  private final PushApiMetrics metrics;

  BearerAuthInterceptor(BearerTokens tokens, PushApiMetrics metrics) {
    this.tokens = tokens;
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<String> refused = tokens.reject(headers.get(AUTHORIZATION));
    if (refused.isEmpty()) {
      return next.startCall(call, headers);
    }
    count(call.getMethodDescriptor().getBareMethodName());
    call.close(Status.UNAUTHENTICATED.withDescription(refused.get()), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /**
   * {@code PushKeys} counts as a push to {@code keys}, {@code OnlineTop} as query {@code top},
   * {@code ReadInbox} as an inbox request.
   */
  private void count(String method) {
    if (method == null) {
      return;
    }
    String name = method.toLowerCase(Locale.ROOT);
    if (name.startsWith("push")) {
      metrics.push(name.substring("push".length()), PushApiMetrics.UNAUTHORIZED);
    } else if (name.startsWith("online")) {
      metrics.query(name.substring("online".length()), PushApiMetrics.UNAUTHORIZED);
    } else if (name.equals("readinbox")) {
      metrics.inboxRead(PushApiMetrics.UNAUTHORIZED);
    }
  }
}
