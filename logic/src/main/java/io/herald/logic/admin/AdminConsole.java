package io.herald.logic.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.file.FileService;
import io.herald.logic.api.BearerTokens;
import io.herald.logic.comet.CometClients;
import io.herald.logic.online.OnlineView;
import io.herald.logic.push.ApiToken;
import io.herald.logic.push.PushConfig;
import io.herald.logic.push.PushService;
import io.herald.registry.RegistryView;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' console on Logic's HTTP port: a static page under {@value #PATH} (plain HTML, JS
 * and CSS from this jar, nothing fetched elsewhere) and its JSON API under {@value #API}:
 *
 * <ul>
 *   <li>{@code GET comets}: the registered Comets by region ({@link CometTable});
 *   <li>{@code GET online?limit=&type=}: online totals and the largest rooms ({@link
 *       OnlineSummary});
 *   <li>{@code POST push}: a push through Logic's push path ({@link ConsolePush});
 *   <li>{@code POST comets/{serverId}/drain}: a Comet drained through its gRPC {@code Drain}
 *       ({@link ConsoleDrain}).
 * </ul>
 *
 * <p>Every API call needs {@code Authorization: Bearer <token>} naming one of {@code admin.tokens}
 * or a {@code push.api.scopedTokens} entry with scope {@code admin} (compared as digests in
 * constant time, {@link BearerTokens}); a refusal is 401 {@code {"error":"..."}}, logged without
 * the token and counted in {@code herald.logic.admin.requests{endpoint,result=unauthorized}}. The
 * page itself holds no data and is served without a token; it asks for one. Pushes and drains are
 * logged with the caller's address. The page is served with a content security policy that allows
 * only this origin and no framing. Reference: {@code docs/console.md}.
 */
public final class AdminConsole {
  private static final Logger log = LoggerFactory.getLogger(AdminConsole.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the page is served. */
  public static final String PATH = "/herald/admin/";

  /** Where its JSON API is served. */
  public static final String API = PATH + "api/";

  /** The classpath directory of the page's files. */
  static final String RESOURCES = "io/herald/logic/admin/console";

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final BearerTokens tokens;
  private final AdminMetrics metrics;
  private final CometTable comets;
  private final OnlineSummary online;
  private final ConsolePush push;
  private final ConsoleDrain drain;
  private final long maxRequestLength;

  /**
   * @param config the admin tokens; at least one (the caller leaves the console off without)
   * @param api the push API's limits, which bound a console push's request size
   */
  public AdminConsole(
      AdminConfig config,
      RegistryView registry,
      OnlineView onlineView,
      PushService pushes,
      CometClients cometClients,
      PushConfig.Api api,
      Clock clock,
      MeterRegistry meters) {
    this.tokens = BearerTokens.required(adminTokens(config, api));
    this.metrics = new AdminMetrics(meters);
    this.comets = new CometTable(registry, onlineView, clock);
    this.online = new OnlineSummary(onlineView);
    this.push = new ConsolePush(pushes);
    this.drain = new ConsoleDrain(registry, cometClients, config.cometToken());
    // The message escaped in JSON (at most 6 characters a byte), the targets, and room to spare.
    this.maxRequestLength = 6L * api.maxBodyBytes() + 64L * api.maxTargets() + 4096;
  }

  /** The tokens with scope admin: {@code admin.tokens} and the admin-scoped API tokens. */
  static List<String> adminTokens(AdminConfig config, PushConfig.Api api) {
    List<String> tokens = new ArrayList<>(config.tokens());
    tokens.addAll(api.adminTokens());
    return tokens;
  }

  /** Whether the console is on: some token has scope admin. */
  public static boolean enabled(AdminConfig config, PushConfig.Api api) {
    return !adminTokens(config, api).isEmpty();
  }

  /** Logs at start that the console is off, and why. */
  public static void logOff() {
    log.info(
        "Admin console off: no admin.tokens configured ({} answers 404; see docs/console.md)",
        PATH);
  }

  public void bindTo(ServerBuilder sb) {
    sb.route().get(API + "comets").build(endpoint("comets", false, (ctx, body) -> comets.answer()));
    sb.route()
        .get(API + "online")
        .build(endpoint("online", false, (ctx, body) -> online.answer(ctx.queryParams())));
    sb.route()
        .post(API + "push")
        .maxRequestLength(maxRequestLength)
        .build(endpoint("push", true, this::push));
    sb.route()
        .post(API + "comets/{serverId}/drain")
        .maxRequestLength(4096)
        .build(endpoint("drain", true, this::drain));
    sb.serviceUnder(
        API,
        endpoint(
            "unknown",
            false,
            (ctx, body) -> {
              throw new AdminException(
                  HttpStatus.NOT_FOUND,
                  "path: "
                      + ctx.method()
                      + " "
                      + ctx.path()
                      + " (expected: GET comets, GET online, POST push or POST"
                      + " comets/{serverId}/drain under "
                      + API
                      + ")");
            }));
    sb.route().get(PATH.substring(0, PATH.length() - 1)).build((ctx, req) -> redirect());
    sb.serviceUnder(
        PATH,
        FileService.builder(AdminConsole.class.getClassLoader(), RESOURCES)
            .build()
            .decorate(
                (delegate, ctx, req) -> {
                  ctx.mutateAdditionalResponseHeaders(
                      headers ->
                          headers
                              .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                              .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                              .set(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff")
                              .set(HttpHeaderNames.REFERRER_POLICY, "no-referrer"));
                  return delegate.serve(ctx, req);
                }));
  }

  private static HttpResponse redirect() {
    return HttpResponse.ofRedirect(PATH);
  }

  private CompletableFuture<Map<String, Object>> push(ServiceRequestContext ctx, JsonNode body) {
    String target = ConsolePush.target(body);
    return push.push(body)
        .thenApply(
            answer -> {
              log.info(
                  "Admin console: {} pushed to {} (operation {}, message {})",
                  ctx.clientAddress().getHostAddress(),
                  target,
                  body.path("operation").asText(),
                  answer.get("message_id"));
              return answer;
            });
  }

  private CompletableFuture<Map<String, Object>> drain(ServiceRequestContext ctx, JsonNode body) {
    String serverId = ctx.pathParam("serverId");
    return drain
        .drain(serverId, body)
        .thenApply(
            answer -> {
              log.info(
                  "Admin console: {} drains Comet {} (grace {}): {} connections, closed at {} unix"
                      + " ms{}",
                  ctx.clientAddress().getHostAddress(),
                  serverId,
                  body.has("grace_seconds") ? body.get("grace_seconds") + " s" : "its own",
                  answer.get("connections"),
                  answer.get("deadline_unix_ms"),
                  Boolean.TRUE.equals(answer.get("already_draining")) ? " (already draining)" : "");
              return answer;
            });
  }

  /** What one endpoint does with its request (the parsed JSON body, {@code {}} for none). */
  @FunctionalInterface
  private interface Handler {
    Object handle(ServiceRequestContext ctx, JsonNode body) throws Exception;
  }

  /**
   * {@code handler} behind the token check, its body parsed, its answer (or failure) rendered and
   * counted under {@code endpoint}.
   */
  private HttpService endpoint(String endpoint, boolean hasBody, Handler handler) {
    return (ctx, req) -> {
      BearerTokens.Verdict verdict =
          tokens.check(req.headers().get(HttpHeaderNames.AUTHORIZATION), ApiToken.Scope.ADMIN);
      Optional<String> refused =
          verdict.allowed() ? Optional.empty() : Optional.of(verdict.reason());
      if (refused.isPresent()) {
        metrics.request(endpoint, AdminMetrics.UNAUTHORIZED);
        log.warn(
            "Admin console: refused {} {} from {}: {}",
            ctx.method(),
            ctx.path(),
            ctx.clientAddress().getHostAddress(),
            refused.get());
        return AdminReplies.unauthorized(refused.get());
      }
      CompletableFuture<JsonNode> body =
          hasBody
              ? req.aggregate().thenApply(request -> parse(request.contentUtf8()))
              : CompletableFuture.completedFuture(JSON.createObjectNode());
      return HttpResponse.of(
          body.thenCompose(
                  json -> {
                    try {
                      Object answer = handler.handle(ctx, json);
                      return answer instanceof CompletableFuture<?> future
                          ? future.thenApply(Object.class::cast)
                          : CompletableFuture.completedFuture(answer);
                    } catch (Exception e) {
                      return CompletableFuture.failedFuture(e);
                    }
                  })
              .handle(
                  (answer, failure) -> {
                    HttpStatus status =
                        failure == null ? HttpStatus.OK : AdminReplies.status(failure);
                    metrics.request(endpoint, AdminReplies.result(status));
                    return failure == null
                        ? AdminReplies.ok(answer)
                        : AdminReplies.failure(endpoint, failure);
                  }));
    };
  }

  /** The request body as a JSON object; an empty body is {@code {}}. */
  private static JsonNode parse(String body) {
    if (body.isBlank()) {
      return JSON.createObjectNode();
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw AdminException.badRequest(
          "body", "not JSON (" + e.getOriginalMessage() + ")", "a JSON object");
    }
    if (json == null || !json.isObject()) {
      throw AdminException.badRequest(
          "body",
          json == null ? "empty" : json.getNodeType().name().toLowerCase(Locale.ROOT),
          "a JSON object");
    }
    return json;
  }
}
