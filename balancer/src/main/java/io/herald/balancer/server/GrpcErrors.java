package io.herald.balancer.server;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.NoSuchElementException;

/** Maps the Balancer's exceptions to gRPC statuses, in one place for every service. */
final class GrpcErrors implements GrpcExceptionHandlerFunction {
  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    if (cause instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(cause.getMessage());
    }
    if (cause instanceof NoSuchElementException) {
      return Status.NOT_FOUND.withDescription(cause.getMessage());
    }
    return null; // Armeria's default mapping
  }
}
