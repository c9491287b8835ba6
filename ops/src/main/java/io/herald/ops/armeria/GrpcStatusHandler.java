package io.herald.ops.armeria;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.grpc.Metadata;
import io.grpc.Status;
import io.herald.ops.grpc.StatusMapping;

/**
 * A {@link StatusMapping} as Armeria's gRPC exception handler ({@code
 * GrpcService.builder().exceptionHandler(...)}); a failure the mapping does not name is left to
 * Armeria's default.
 */
public final class GrpcStatusHandler implements GrpcExceptionHandlerFunction {
  private final StatusMapping mapping;

  public GrpcStatusHandler(StatusMapping mapping) {
    this.mapping = mapping;
  }

  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    return mapping.status(cause);
  }
}
