package io.herald.logic.comet;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.grpc.Metadata;
import io.grpc.Status;
import io.herald.logic.Failures;
import io.lettuce.core.RedisException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;

/**
 * Maps what Logic's Comet-facing service throws to gRPC statuses, in one place: a bad request is
 * INVALID_ARGUMENT; a store or queue that cannot be reached is UNAVAILABLE (the Comet may retry).
 */
public final class LogicGrpcErrors implements GrpcExceptionHandlerFunction {
  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    Throwable error = Failures.cause(cause);
    if (error instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(error.getMessage());
    }
    if (error instanceof RedisException
        || error instanceof KafkaException
        || error instanceof TimeoutException
        || error instanceof java.io.IOException) {
      return Status.UNAVAILABLE.withDescription(error.getMessage()).withCause(error);
    }
    return null;
  }
}
