package io.herald.logic.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import io.herald.logic.Failures;
import io.herald.logic.push.PushUnavailableException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * goim's HTTP replies: {@code {"code":0,"message":"","data":...}} with HTTP 200, the outcome in
 * {@code code} ({@code -400} a bad request, {@code -500} a server error), as goim's {@code
 * result()} and {@code errors()} write them. What the HTTP layer refuses keeps its HTTP status: a
 * refused bearer token is 401 with {@code code} -401, a body over the limit 413 with -400, and
 * {@link GoimHttpErrors} answers unknown paths (404) and wrong methods (405) with -400.
 */
final class GoimReplies {
  private static final Logger log = LoggerFactory.getLogger(GoimReplies.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final int OK = 0;
  static final int REQUEST_ERROR = -400;
  static final int UNAUTHORIZED = -401;
  static final int SERVER_ERROR = -500;
  static final int OVERLOADED = -503;

  private GoimReplies() {}

  static HttpResponse ok(Object data) {
    Map<String, Object> body = body(OK, "");
    body.put("data", data);
    return HttpResponse.ofJson(body);
  }

  /**
   * {@code -400} for a refused request (HTTP 413 for a body over the limit, else 200), {@code -500}
   * for anything else.
   */
  static HttpResponse failure(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (GoimHttpErrors.find(cause) != null) {
      return error(
              HttpStatus.REQUEST_ENTITY_TOO_LARGE, REQUEST_ERROR, GoimHttpErrors.tooLarge(cause))
          .toHttpResponse();
    }
    if (cause instanceof IllegalArgumentException) {
      return HttpResponse.ofJson(body(REQUEST_ERROR, cause.getMessage()));
    }
    if (cause instanceof PushUnavailableException) {
      log.debug("Push not queued: {}", cause.getMessage());
    } else {
      log.warn("Push API request failed", cause);
    }
    return HttpResponse.ofJson(body(SERVER_ERROR, Failures.reason(cause)));
  }

  /** {@code {"code":code,"message":message}} with HTTP 200. */
  static HttpResponse code(int code, String message) {
    return HttpResponse.ofJson(body(code, message));
  }

  /**
   * A push refused because Logic has as much in flight as it may hold: HTTP 429 with {@code
   * Retry-After: seconds} and {@code {"code":-503,...}}, so goim clients, which read the code, see
   * a failure, and HTTP clients see a retryable one. Nothing of the push was done.
   */
  static HttpResponse overloaded(long retryAfterSeconds) {
    return HttpResponse.ofJson(
        ResponseHeaders.builder(HttpStatus.TOO_MANY_REQUESTS)
            .add(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds))
            .build(),
        body(
            OVERLOADED,
            "overloaded: too many pushes in flight, retry after " + retryAfterSeconds + " s"));
  }

  static final int FORBIDDEN = -403;
  static final int TOO_MANY_REQUESTS = -429;

  /**
   * A request the bearer-token check refused: HTTP 401 (with {@code WWW-Authenticate}), 403, or 429
   * with {@code Retry-After}; the goim JSON body carries -401, -403 or -429 and the reason.
   */
  static HttpResponse refused(BearerTokens.Verdict verdict) {
    return switch (verdict.outcome()) {
      case FORBIDDEN ->
          HttpResponse.ofJson(HttpStatus.FORBIDDEN, body(FORBIDDEN, verdict.reason()));
      case RATE_LIMITED ->
          HttpResponse.ofJson(
              ResponseHeaders.builder(HttpStatus.TOO_MANY_REQUESTS)
                  .add(HttpHeaderNames.RETRY_AFTER, Long.toString(verdict.retryAfterSeconds()))
                  .build(),
              body(TOO_MANY_REQUESTS, verdict.reason()));
      default -> unauthorized(verdict.reason());
    };
  }

  static HttpResponse unauthorized(String reason) {
    return HttpResponse.ofJson(
        ResponseHeaders.builder(HttpStatus.UNAUTHORIZED)
            .add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer")
            .build(),
        body(UNAUTHORIZED, reason));
  }

  /** {@code {"code":code,"message":message}} with HTTP {@code status}. */
  static AggregatedHttpResponse error(HttpStatus status, int code, String message) {
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(body(code, message));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, HttpData.wrap(json));
  }

  private static Map<String, Object> body(int code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("message", message);
    return body;
  }
}
