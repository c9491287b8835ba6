package io.herald.logic.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.herald.logic.push.ApiToken;
import io.herald.ops.auth.BearerToken;
import java.util.Locale;

/**
 * Lets a {@code Push} (or {@code Im}) call in only with metadata {@code authorization: Bearer
 * <token>} naming a configured token with the method's scope: {@code read} for {@code Online*},
 * {@code ReadInbox} and {@code GetGroup}, {@code push} for every other method (a push takes one
 * from the token's rate limit). Otherwise closes it before the method runs — {@code
 * UNAUTHENTICATED}, {@code PERMISSION_DENIED}, or {@code RESOURCE_EXHAUSTED} with a {@code
 * retry-after} trailer in seconds — and counts it ({@code
 * result=unauthorized|forbidden|rate_limited}).
 */
final class BearerAuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerTokens tokens;
  private final PushApiMetrics metrics;

  BearerAuthInterceptor(BearerTokens tokens, PushApiMetrics metrics) {
    this.tokens = tokens;
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    BearerTokens.Verdict verdict =
        tokens.check(headers.get(BearerToken.GRPC_AUTHORIZATION), scope(method));
    if (verdict.allowed()) {
      return next.startCall(call, headers);
    }
    count(method, PushApiMetrics.refused(verdict));
    Metadata trailers = new Metadata();
    Status status =
        switch (verdict.outcome()) {
          case FORBIDDEN -> Status.PERMISSION_DENIED;
          case RATE_LIMITED -> {
            trailers.put(RETRY_AFTER, Long.toString(verdict.retryAfterSeconds()));
            yield Status.RESOURCE_EXHAUSTED;
          }
          default -> Status.UNAUTHENTICATED;
        };
    call.close(status.withDescription(verdict.reason()), trailers);
    return new ServerCall.Listener<>() {};
  }

  /**
   * {@code PushKeys} counts as a push to {@code keys}, {@code OnlineTop} as query {@code top},
   * {@code ReadInbox} as an inbox request.
   */
  static ApiToken.Scope scope(String method) {
    return method != null
            && (method.startsWith("Online")
                || method.equals("ReadInbox")
                || method.equals("GetGroup"))
        ? ApiToken.Scope.READ
        : ApiToken.Scope.PUSH;
  }

  private void count(String method, String result) {
    if (method == null) {
      return;
    }
    String name = method.toLowerCase(Locale.ROOT);
    if (name.startsWith("push")) {
      metrics.push(name.substring("push".length()), result);
    } else if (name.startsWith("online")) {
      metrics.query(name.substring("online".length()), result);
    } else if (name.equals("readinbox")) {
      metrics.inboxRead(result);
    }
  }
}
