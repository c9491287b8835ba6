package io.herald.idgen.server;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herald.idgen.ClockSteppedBackException;
import io.herald.idgen.IdsUnavailableException;
import io.herald.idgen.Mode;
import io.herald.idgen.UnknownTagException;
import io.herald.idgen.layout.IdFields;
import io.herald.idgen.segment.Range;
import io.herald.idgen.service.IdBatch;
import io.herald.idgen.service.IdService;
import io.herald.idgen.service.IdSource;
import io.herald.ops.grpc.StatusMapping;
import io.herald.proto.idgen.v1.ExplainRequest;
import io.herald.proto.idgen.v1.ExplainResponse;
import io.herald.proto.idgen.v1.IdGenGrpc;
import io.herald.proto.idgen.v1.IdLayout;
import io.herald.proto.idgen.v1.IdList;
import io.herald.proto.idgen.v1.IdRange;
import io.herald.proto.idgen.v1.IdRanges;
import io.herald.proto.idgen.v1.NextIdRequest;
import io.herald.proto.idgen.v1.NextIdResponse;
import io.herald.proto.idgen.v1.NextIdsRequest;
import io.herald.proto.idgen.v1.NextIdsResponse;

/**
 * gRPC {@code IdGen}. Requests are served on the event loop when no wait is needed (the common
 * case); one that must wait (a used-up time unit, a small clock step back, a segment load) moves to
 * the blocking executor. Errors are exceptions, which {@link #STATUSES} turns into statuses.
 */
final class IdGenGrpcService extends IdGenGrpc.IdGenImplBase {
  /**
   * IdGen's failures as statuses (see {@code idgen.proto}): a bad argument is INVALID_ARGUMENT, an
   * unknown tag NOT_FOUND, a clock stepped back too far FAILED_PRECONDITION, ids that cannot be
   * made now (no lease, no segment) UNAVAILABLE.
   */
  static final StatusMapping STATUSES =
      StatusMapping.builder()
          .map(UnknownTagException.class, Status.Code.NOT_FOUND)
          .map(ClockSteppedBackException.class, Status.Code.FAILED_PRECONDITION)
          .map(IdsUnavailableException.class, Status.Code.UNAVAILABLE)
          .build();

  private final IdService ids;

  IdGenGrpcService(IdService ids) {
    this.ids = ids;
  }

  @Override
  public void nextId(NextIdRequest request, StreamObserver<NextIdResponse> responses) {
    IdSource source = ids.source(request.getTag());
    long id = source.next(false);
    if (id != IdSource.WOULD_WAIT) {
      reply(responses, NextIdResponse.newBuilder().setId(id).build());
      return;
    }
    ServiceRequestContext.current()
        .blockingTaskExecutor()
        .execute(
            () -> {
              try {
                reply(responses, NextIdResponse.newBuilder().setId(source.next(true)).build());
              } catch (RuntimeException e) {
                responses.onError(e);
              }
            });
  }

  @Override
  public void nextIds(NextIdsRequest request, StreamObserver<NextIdsResponse> responses) {
    IdSource source = ids.source(request.getTag());
    IdBatch batch = IdService.batch(source, request.getCount());
    source.fill(batch, false);
    if (batch.missing() == 0) {
      reply(responses, toResponse(batch));
      return;
    }
    ServiceRequestContext.current()
        .blockingTaskExecutor()
        .execute(
            () -> {
              try {
                source.fill(batch, true);
                reply(responses, toResponse(batch));
              } catch (RuntimeException e) {
                responses.onError(e);
              }
            });
  }

  @Override
  public void explain(ExplainRequest request, StreamObserver<ExplainResponse> responses) {
    IdSource source = ids.source(request.getTag());
    IdFields fields = source.explain(request.getId());
    ExplainResponse.Builder reply = ExplainResponse.newBuilder().setLayout(layout(source.mode()));
    if (fields != null) {
      reply
          .setUnixMs(fields.unixMillis())
          .setWorkerId(fields.worker())
          .setSequence(fields.sequence());
    }
    reply(responses, reply.build());
  }

  private static NextIdsResponse toResponse(IdBatch batch) {
    NextIdsResponse.Builder reply = NextIdsResponse.newBuilder().setLayout(layout(batch.mode()));
    if (batch.mode() == Mode.SEGMENT) {
      IdRanges.Builder ranges = IdRanges.newBuilder();
      for (Range range : batch.ranges()) {
        ranges.addRanges(IdRange.newBuilder().setStart(range.start()).setEnd(range.end()));
      }
      reply.setRanges(ranges);
    } else {
      IdList.Builder list = IdList.newBuilder();
      for (long id : batch.list()) {
        list.addIds(id);
      }
      reply.setList(list);
    }
    return reply.build();
  }

  static IdLayout layout(Mode mode) {
    return switch (mode) {
      case SNOWFLAKE -> IdLayout.ID_LAYOUT_SNOWFLAKE;
      case SONYFLAKE -> IdLayout.ID_LAYOUT_SONYFLAKE;
      case SEGMENT -> IdLayout.ID_LAYOUT_SEGMENT;
    };
  }

  private static <T> void reply(StreamObserver<T> responses, T reply) {
    responses.onNext(reply);
    responses.onCompleted();
  }
}
