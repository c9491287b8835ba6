package io.herald.idgen.server;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.grpc.Metadata;
import io.grpc.Status;
import io.herald.idgen.ClockSteppedBackException;
import io.herald.idgen.IdsUnavailableException;
import io.herald.idgen.UnknownTagException;

/** Maps IdGen's exceptions to gRPC statuses, in one place (see {@code idgen.proto}). */
final class GrpcErrors implements GrpcExceptionHandlerFunction {
  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    if (cause instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(cause.getMessage());
    }
    if (cause instanceof UnknownTagException) {
      return Status.NOT_FOUND.withDescription(cause.getMessage());
    }
    if (cause instanceof ClockSteppedBackException) {
      return Status.FAILED_PRECONDITION.withDescription(cause.getMessage());
    }
    if (cause instanceof IdsUnavailableException) {
      return Status.UNAVAILABLE.withDescription(cause.getMessage());
    }
    return null; // Armeria's default mapping
  }
}
