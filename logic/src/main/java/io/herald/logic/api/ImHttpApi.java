package io.herald.logic.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.herald.im.Appended;
import io.herald.logic.im.ChatException;
import io.herald.logic.im.ChatStatuses;
import io.herald.logic.im.ImGroups;
import io.herald.logic.im.ImLayer;
import io.herald.logic.im.ImService;
import io.herald.logic.push.ApiToken;
import io.herald.logic.push.PushConfig;
import io.herald.wire.chat.ChatKind;
import io.herald.wire.chat.FanoutMode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IM layer's backend API as HTTP JSON on Logic's HTTP port, behind the push API's bearer token,
 * with goim's envelope {@code {"code":0,"message":"","data":...}}:
 *
 * <ul>
 *   <li>{@code POST /herald/im/groups} {@code {"owner":1,"name":"x","members":[1,2]}};
 *   <li>{@code POST /herald/im/groups/{id}/members} {@code {"mids":[3]}};
 *   <li>{@code DELETE /herald/im/groups/{id}/members?mids=3,4};
 *   <li>{@code GET /herald/im/groups/{id}};
 *   <li>{@code POST /herald/im/send} {@code {"from":1,"kind":"user","to":2,"client_msg_id":"77",
 *       "content_type":1,"text":"hi"}} (or {@code "content_base64"} in place of {@code text}).
 * </ul>
 *
 * Ids are answered as decimal strings and taken as numbers or strings. A refusal's {@code code} is
 * {@link ChatStatuses#http}: -400 bad parameters (naming the parameter), -404 no such group, -403
 * not a member or refused, -429 a limit, -500 unavailable. Reference: {@code docs/api.md}.
 */
public final class ImHttpApi {
  private static final Logger log = LoggerFactory.getLogger(ImHttpApi.class);

  static final String PREFIX = "/herald/im";

  private final ImLayer im;
  private final ImService service;
  private final ImGroups groups;
  private final BearerTokens tokens;
  private final long maxRequestLength;

  /**
   * @param maxMessageBytes {@code im.maxMessageBytes}: a request may be a few times that (base64,
   *     JSON escapes) plus room for 1000 mids
   */
  public ImHttpApi(ImLayer im, PushConfig.Api api, int maxMessageBytes) {
    this(im, BearerTokens.of(api), maxMessageBytes);
  }

  /** With the push API's callers, shared so a token's push rate limit is one. */
  public ImHttpApi(ImLayer im, BearerTokens tokens, int maxMessageBytes) {
    this.im = im;
    this.service = im.service();
    this.groups = im.groups();
    this.tokens = tokens;
    this.maxRequestLength = 8L * maxMessageBytes + 64 * 1024;
  }

  public void bindTo(ServerBuilder sb) {
    route(sb, "POST", PREFIX + "/groups", "create_group", this::create);
    route(sb, "POST", PREFIX + "/groups/{id}/members", "add_members", this::add);
    route(sb, "DELETE", PREFIX + "/groups/{id}/members", "remove_members", this::remove);
    route(sb, "GET", PREFIX + "/groups/{id}", "get_group", this::group);
    route(sb, "POST", PREFIX + "/send", "send", this::send);
  }

  private CompletableFuture<Object> create(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    JsonNode body = ImJson.parse(req.content().array());
    return groups
        .create(
            ImJson.longField(body, "owner", 0),
            ImJson.text(body, "name"),
            ImJson.longs(body, "members"))
        .thenApply(ImHttpApi::group);
  }

  private CompletableFuture<Object> add(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    long id = groupId(ctx);
    JsonNode body = ImJson.parse(req.content().array());
    return groups
        .add(id, ImJson.longs(body, "mids"))
        .thenApply(changed -> changed(changed, "added"));
  }

  private CompletableFuture<Object> remove(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    long id = groupId(ctx);
    return groups
        .remove(id, GoimParams.longs(ctx.queryParams(), "mids"))
        .thenApply(changed -> changed(changed, "removed"));
  }

  private CompletableFuture<Object> group(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    return groups.group(groupId(ctx)).thenApply(ImHttpApi::group);
  }

  private CompletableFuture<Object> send(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    JsonNode body = ImJson.parse(req.content().array());
    return service
        .send(
            new ImService.Send(
                ImJson.longField(body, "from", 0),
                kind(ImJson.text(body, "kind")),
                ImJson.requiredLong(body, "to"),
                ImJson.longField(body, "client_msg_id", 0),
                ImJson.intField(body, "content_type", 1),
                ImJson.content(body),
                false))
        .thenApply(ImHttpApi::sent);
  }

  private static ChatKind kind(String kind) {
    return switch (kind) {
      case "user" -> ChatKind.USER;
      case "group" -> ChatKind.GROUP;
      default ->
          throw new IllegalArgumentException(
              "kind: "
                  + (kind.isEmpty() ? "missing" : "'" + kind + "'")
                  + " (expected: user or group)");
    };
  }

  private static long groupId(ServiceRequestContext ctx) {
    String text = ctx.pathParam("id");
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("id: '" + text + "' (expected: a group id)", e);
    }
  }

  private static Map<String, Object> group(ImGroups.GroupView view) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("group_id", Long.toString(view.group().id()));
    data.put("name", view.group().name());
    data.put("owner", Long.toString(view.group().owner()));
    data.put("member_count", view.group().memberCount());
    data.put("mode", mode(view.mode()));
    data.put("last_seq", view.group().lastSeq());
    data.put("created_unix_ms", view.group().createdMs());
    return data;
  }

  private static Map<String, Object> changed(ImGroups.Changed changed, String what) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put(what, changed.mids().stream().map(String::valueOf).toList());
    data.put("member_count", changed.group().group().memberCount());
    data.put("mode", mode(changed.group().mode()));
    return data;
  }

  private static Map<String, Object> sent(Appended appended) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("message_id", Long.toString(appended.message().id()));
    data.put("seq", appended.message().seq());
    data.put("sent_unix_ms", appended.message().sentMs());
    data.put("duplicate", appended.duplicate());
    return data;
  }

  private static String mode(FanoutMode mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Serves {@code path}: {@code handler} reads the request's parameters and calls the service,
   * which counts its answers as {@code op}; a parameter it cannot read (thrown before the service
   * is called) is answered, logged and counted here.
   */
  private void route(
      ServerBuilder sb,
      String method,
      String path,
      String op,
      BiFunction<ServiceRequestContext, AggregatedHttpRequest, CompletableFuture<Object>> handler) {
    HttpService service =
        (ctx, req) ->
            HttpResponse.of(
                req.aggregate()
                    .thenCompose(
                        request -> {
                          long started = System.nanoTime();
                          try {
                            return handler.apply(ctx, request);
                          } catch (RuntimeException e) {
                            ChatException refused = ChatStatuses.of(e);
                            im.refusedEarly(op, refused.status(), System.nanoTime() - started);
                            log.debug("IM API {} refused: {}", op, refused.getMessage());
                            return CompletableFuture.failedFuture(refused);
                          }
                        })
                    .handle((data, e) -> e == null ? GoimReplies.ok(data) : failure(e)));
    HttpService authorized =
        service.decorate(
            (delegate, ctx, req) -> {
              // Reads need scope read; writes scope push, and count against its rate limit.
              BearerTokens.Verdict verdict =
                  tokens.check(
                      req.headers().get(HttpHeaderNames.AUTHORIZATION),
                      "GET".equals(method) ? ApiToken.Scope.READ : ApiToken.Scope.PUSH);
              if (!verdict.allowed()) {
                return GoimReplies.refused(verdict);
              }
              return delegate.serve(ctx, req);
            });
    sb.route()
        .methods(HttpMethod.valueOf(method))
        .path(path)
        .maxRequestLength(maxRequestLength)
        .build(authorized);
  }

  private static HttpResponse failure(Throwable e) {
    ChatException failure = ChatStatuses.of(e);
    int code = ChatStatuses.http(failure.status());
    if (code == -500) {
      log.debug("IM API request failed: {}", failure.getMessage());
    }
    return GoimReplies.code(code, failure.getMessage());
  }
}
