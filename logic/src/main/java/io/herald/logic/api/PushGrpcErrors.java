package io.herald.logic.api;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.grpc.Metadata;
import io.grpc.Status;
import io.herald.logic.Failures;
import io.herald.logic.push.InvalidPushException;
import io.herald.logic.push.PushUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push API's errors as gRPC statuses, in one place: a refused request ({@link
 * InvalidPushException}, any {@link IllegalArgumentException}) is {@code INVALID_ARGUMENT}; a push
 * that could not be queued or got no message id ({@link PushUnavailableException}) is {@code
 * UNAVAILABLE}, safe to retry; a feature not there yet is {@code UNIMPLEMENTED}. Anything else is
 * left to Armeria's default mapping. Install it with {@code
 * GrpcService.builder().exceptionHandler(...)}.
 */
public final class PushGrpcErrors implements GrpcExceptionHandlerFunction {
  private static final Logger log = LoggerFactory.getLogger(PushGrpcErrors.class);

  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    Throwable error = Failures.cause(cause);
    if (error instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(error.getMessage());
    }
    if (error instanceof PushUnavailableException) {
      log.debug("Push not queued: {}", error.getMessage());
      return Status.UNAVAILABLE.withDescription(error.getMessage()).withCause(error);
    }
    if (error instanceof UnsupportedOperationException) {
      return Status.UNIMPLEMENTED.withDescription(error.getMessage());
    }
    return null; // Armeria's default mapping
  }
}
