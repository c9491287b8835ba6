package io.herald.logic.api;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.online.OnlineView;
import io.herald.logic.overload.Admission;
import io.herald.logic.overload.InFlightLimit;
import io.herald.logic.push.ApiToken;
import io.herald.logic.push.Delivery;
import io.herald.logic.push.PushConfig;
import io.herald.logic.push.PushResult;
import io.herald.logic.push.PushService;
import io.herald.ops.tracing.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * goim's HTTP push and online API, so goim backends switch without changes:
 *
 * <ul>
 *   <li>{@code POST /goim/push/keys?operation=&keys=}, {@code POST
 *       /goim/push/mids?operation=&mids=}, {@code POST /goim/push/room?operation=&type=&room=},
 *       {@code POST /goim/push/all?operation=&speed=}; the request body is the message;
 *   <li>{@code GET /goim/online/top?type=&limit=}, {@code GET /goim/online/room?type=&rooms=},
 *       {@code GET /goim/online/total};
 *   <li>Herald's own {@code GET /herald/inbox?mid=&after=&limit=} ({@link InboxHttpService}).
 * </ul>
 *
 * <p>Key and mid pushes take {@code ack}, {@code store} and {@code notify} ({@code true|false|1|0};
 * anything else is -400 naming the parameter); with {@code store} the reply's data has {@code
 * stored}, each target user's inbox position.
 *
 * <p>Replies are goim's ({@link GoimReplies}); a push answers only once Kafka has every record of
 * it ({@link PushService}). Every route needs a bearer token unless {@code api.requireToken} is
 * off. Each push is traced ({@link PushSpans}: span {@code POST /goim/push/<target>}) from the
 * trace context in its headers.
 *
 * <p><b>Overload.</b> Every push holds a permit of the {@link Admission} (shared with gRPC) from
 * the moment its headers arrive until it is answered, reserving its {@code Content-Length} (or
 * {@code maxBodyBytes}); when none is left the push is refused at once, before its body is read:
 * HTTP 429 with {@code Retry-After}, goim's {@code {"code":-503,...}}, counted as {@code
 * result=overloaded}. Reference: {@code docs/api.md}.
 */
public final class GoimPushHttpApi {
  private final PushService pushes;
  private final GoimOnlineHttpService online;
  private final InboxHttpService inbox;
  private final BearerTokens tokens;
  private final PushApiMetrics metrics;
  private final long maxRequestLength;
  private final GoimHttpErrors errors;
  private final PushSpans spans;
  private final Admission admission;

  /**
   * @throws IllegalArgumentException if {@code api} requires a token but configures none
   */
  public GoimPushHttpApi(
      PushService pushes,
      OnlineView online,
      Inbox inbox,
      PushConfig.Api api,
      MeterRegistry meters) {
    this(pushes, online, inbox, api, meters, Tracing.off());
  }

  /**
   * @param tracing traces each push from the trace context in its request's headers
   * @throws IllegalArgumentException if {@code api} requires a token but configures none
   */
  public GoimPushHttpApi(
      PushService pushes,
      OnlineView online,
      Inbox inbox,
      PushConfig.Api api,
      MeterRegistry meters,
      Tracing tracing) {
    this(pushes, online, inbox, api, BearerTokens.of(api), meters, tracing, Admission.unbounded());
  }

  /**
   * @param tokens the callers of {@code api}, shared with the gRPC API so a token's push rate limit
   *     is one
   * @param admission bounds the pushes in flight (shared with the gRPC API)
   */
  public GoimPushHttpApi(
      PushService pushes,
      OnlineView online,
      Inbox inbox,
      PushConfig.Api api,
      BearerTokens tokens,
      MeterRegistry meters,
      Tracing tracing,
      Admission admission) {
    this.admission = admission;
    this.pushes = pushes;
    this.spans = new PushSpans(tracing);
    this.tokens = tokens;
    this.metrics = new PushApiMetrics(meters);
    this.errors = new GoimHttpErrors(meters);
    this.online = new GoimOnlineHttpService(new OnlineQueries(online), metrics);
    this.inbox = new InboxHttpService(new InboxQueries(inbox), metrics);
    this.maxRequestLength = api.maxBodyBytes();
  }

  /**
   * Adds every route, each behind the bearer-token check, to {@code sb}, and goim's JSON errors
   * ({@link GoimHttpErrors}) for every path under {@code /goim} on that server, the node routes
   * included: an unknown path, a wrong method, a body over the limit.
   */
  public void bindTo(ServerBuilder sb) {
    sb.errorHandler(errors);
    push(sb, "keys", this::pushKeys);
    push(sb, "mids", this::pushMids);
    push(sb, "room", this::pushRoom);
    push(sb, "all", this::pushAll);
    sb.route()
        .get(InboxHttpService.PATH)
        .build(
            authorized(
                inbox,
                ApiToken.Scope.READ,
                verdict -> metrics.inboxRead(PushApiMetrics.refused(verdict))));
    for (String query : GoimOnlineHttpService.QUERIES) {
      sb.route()
          .get("/goim/online/" + query)
          .build(
              authorized(
                  online.route(query),
                  ApiToken.Scope.READ,
                  verdict -> metrics.query(query, PushApiMetrics.refused(verdict))));
    }
  }

  private CompletableFuture<Object> pushKeys(Push push) {
    return push.reply(
        pushes.pushKeys(
            operation(push),
            GoimParams.list(push.params, "keys"),
            push.body,
            delivery(push.params)),
        PushResult::offlineKeys);
  }

  private CompletableFuture<Object> pushMids(Push push) {
    return push.reply(
        pushes.pushMids(
            operation(push),
            GoimParams.longs(push.params, "mids"),
            push.body,
            delivery(push.params)),
        result -> decimal(result.offlineMids()));
  }

  /** {@code ack}, {@code store}, {@code notify}: strict booleans, false when absent. */
  private static Delivery delivery(QueryParams params) {
    return new Delivery(
        GoimParams.optionalBoolean(params, "ack"),
        GoimParams.optionalBoolean(params, "store"),
        GoimParams.optionalBoolean(params, "notify"));
  }

  private CompletableFuture<Object> pushRoom(Push push) {
    return push.reply(
        pushes.pushRoom(
            operation(push),
            GoimParams.text(push.params, "type"),
            GoimParams.text(push.params, "room"),
            push.body),
        null);
  }

  private CompletableFuture<Object> pushAll(Push push) {
    return push.reply(
        pushes.pushAll(operation(push), GoimParams.optionalInt(push.params, "speed", 0), push.body),
        null);
  }

  private static int operation(Push push) {
    return GoimParams.requiredInt(push.params, "operation");
  }

  /**
   * 64-bit ids as decimal strings: JavaScript reads JSON numbers as doubles, exact only up to 2^53,
   * and message ids are past it.
   */
  private static List<String> decimal(List<Long> ids) {
    return ids.stream().map(String::valueOf).toList();
  }

  /** {@code [{"mid":"42","epoch":1733...,"seq":7}]}: mids as decimal strings, as in offline. */
  private static List<Object> stored(PushResult result) {
    return result.stored().stream()
        .<Object>map(
            stored -> {
              Map<String, Object> position = new LinkedHashMap<>();
              position.put("mid", Long.toString(stored.mid()));
              position.put("epoch", stored.epoch());
              position.put("seq", stored.seq());
              return position;
            })
        .toList();
  }

  /** One push request: its query, its body and its span. */
  private record Push(QueryParams params, ByteString body, Span span) {
    /**
     * The reply's data: the message id (a decimal string), and the offline targets for keys and
     * mids.
     */
    CompletableFuture<Object> reply(
        CompletableFuture<PushResult> pushed, Function<PushResult, Object> offline) {
      return pushed.thenApply(
          result -> {
            PushSpans.messageId(span, result.messageId());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("message_id", Long.toString(result.messageId()));
            if (offline != null) {
              data.put("offline", offline.apply(result));
            }
            if (GoimParams.optionalBoolean(params, "store")) {
              data.put("stored", stored(result));
            }
            return data;
          });
    }
  }

  private void push(
      ServerBuilder sb, String target, Function<Push, CompletableFuture<Object>> handler) {
    String spanName = "POST /goim/push/" + target;
    HttpService service =
        (ctx, req) -> {
          long length = req.headers().contentLength();
          InFlightLimit.Permit permit =
              admission.tryAdmit(
                  length >= 0 ? Math.min(length, maxRequestLength) : maxRequestLength);
          if (permit == null) {
            metrics.push(target, PushApiMetrics.OVERLOADED);
            return GoimReplies.overloaded(admission.retryAfterSeconds());
          }
          return HttpResponse.of(
              req.aggregate()
                  .thenCompose(
                      request -> {
                        Span span = spans.start(spanName, request.headers(), "http");
                        return spans.run(
                            span,
                            () ->
                                handler.apply(
                                    new Push(
                                        ctx.queryParams(),
                                        ByteString.copyFrom(request.content().array()),
                                        span)));
                      })
                  .handle(
                      (data, e) -> {
                        permit.release();
                        metrics.push(target, e);
                        return e == null ? GoimReplies.ok(data) : GoimReplies.failure(e);
                      }));
        };
    sb.route()
        .post("/goim/push/" + target)
        .maxRequestLength(maxRequestLength)
        .build(
            authorized(
                service,
                ApiToken.Scope.PUSH,
                verdict -> metrics.push(target, PushApiMetrics.refused(verdict))));
  }

  /**
   * {@code service} behind the bearer-token check for {@code scope}; a refusal is HTTP 401, 403 or
   * 429 ({@link GoimReplies#refused}), and counted.
   */
  private HttpService authorized(
      HttpService service, ApiToken.Scope scope, Consumer<BearerTokens.Verdict> onRefused) {
    return service.decorate(
        (delegate, ctx, req) -> {
          BearerTokens.Verdict verdict =
              tokens.check(req.headers().get(HttpHeaderNames.AUTHORIZATION), scope);
          if (!verdict.allowed()) {
            onRefused.accept(verdict);
            return GoimReplies.refused(verdict);
          }
          return delegate.serve(ctx, req);
        });
  }
}
