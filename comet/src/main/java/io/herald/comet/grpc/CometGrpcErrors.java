package io.herald.comet.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herald.ops.grpc.StatusMapping;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the Comet service's failures become gRPC statuses, and where calls are
 * counted: while the Comet is stopping every call answers UNAVAILABLE at once; an {@link
 * InvalidRequestException} (or another {@link IllegalArgumentException}) is INVALID_ARGUMENT, a
 * {@link CometStoppingException} UNAVAILABLE, any other exception INTERNAL (and logged, being a
 * bug).
 *
 * <p>Metrics: {@code herald.comet.grpc.calls{method, status}}.
 */
public final class CometGrpcErrors implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(CometGrpcErrors.class);

  /** What the service throws, as statuses: the mapping every Herald service shares, and its own. */
  static final StatusMapping STATUSES =
      StatusMapping.builder()
          .map(InvalidRequestException.class, Status.Code.INVALID_ARGUMENT)
          .map(CometStoppingException.class, Status.Code.UNAVAILABLE)
          .build();

  private final BooleanSupplier stopping;
  private final MeterRegistry meters;

  /**
   * @param stopping whether the Comet is stopping (no more calls are served)
   */
  public CometGrpcErrors(BooleanSupplier stopping, MeterRegistry meters) {
    this.stopping = stopping;
    this.meters = meters;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    ServerCall<ReqT, RespT> counted =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            count(method, status);
            super.close(status, trailers);
          }
        };
    if (stopping.getAsBoolean()) {
      counted.close(Status.UNAVAILABLE.withDescription("the Comet is stopping"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return new SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
      @Override
      public void onMessage(ReqT message) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          fail(counted, method, e);
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          fail(counted, method, e);
        }
      }
    };
  }

  /** The status a failure of the service maps to. */
  static Status status(Throwable error) {
    Status mapped = STATUSES.status(error);
    if (mapped != null) {
      return mapped;
    }
    if (error instanceof StatusRuntimeException e) {
      return e.getStatus();
    }
    return Status.INTERNAL.withDescription(error.toString()).withCause(error);
  }

  private static void fail(ServerCall<?, ?> call, String method, RuntimeException error) {
    Status status = status(error);
    if (status.getCode() == Status.Code.INTERNAL) {
      log.error("Comet.{} failed", method, error);
    }
    try {
      call.close(status, new Metadata());
    } catch (IllegalStateException alreadyClosed) {
      log.debug("Comet.{} failed after replying: {}", method, error.toString());
    }
  }

  private void count(String method, Status status) {
    Counter.builder("herald.comet.grpc.calls")
        .description("Calls to this Comet's gRPC service")
        .tag("method", method)
        .tag("status", status.getCode().name())
        .register(meters)
        .increment();
  }
}
