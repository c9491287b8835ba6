package io.herald.logic.api;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.RoutePathType;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * goim's JSON for the answers the HTTP layer gives under {@code /goim} in place of a route's own:
 * {@code {"code":-400,"message":"..."}} with the HTTP status Armeria chose — 404 for an unknown
 * path, 405 for a wrong method, 413 for a body over {@code api.maxBodyBytes}, 400 for a request
 * Armeria cannot parse — and {@code -500} for a 5xx (a request timeout, a shutdown, an exception no
 * route caught, which is logged). Each is counted in {@code herald.logic.http.errors{status}}.
 * Paths outside {@code /goim} keep Armeria's plain-text pages. Reference: {@code docs/api.md}.
 */
final class GoimHttpErrors implements ServerErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(GoimHttpErrors.class);
  private static final String PREFIX = "/goim";

  private final MeterRegistry meters;

  GoimHttpErrors(MeterRegistry meters) {
    this.meters = meters;
  }

  /** Logs what no goim route caught; Armeria then maps it to a status rendered below. */
  @Override
  public @Nullable HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    if (isGoim(ctx.path()) && !isExpected(cause)) {
      log.warn("{} {} failed", ctx.method(), ctx.path(), cause);
    }
    return null;
  }

  @Override
  public @Nullable AggregatedHttpResponse renderStatus(
      @Nullable ServiceRequestContext ctx,
      ServiceConfig config,
      @Nullable RequestHeaders headers,
      HttpStatus status,
      @Nullable String description,
      @Nullable Throwable cause) {
    if (status.isContentAlwaysEmpty()) {
      return null;
    }
    // Without headers the request was too malformed to have a path (a broken %-escape, say): it
    // may have been meant for goim's API, the main thing this port serves, so it is answered too.
    String path = ctx != null ? ctx.path() : headers != null ? pathOf(headers.path()) : PREFIX;
    if (!isGoim(path)) {
      return null;
    }
    HttpMethod method =
        ctx != null ? ctx.method() : headers != null ? headers.method() : HttpMethod.UNKNOWN;
    String message =
        switch (status.code()) {
          case 404 ->
              "path: " + path + " (expected: one of " + String.join(", ", routes(config)) + ")";
          case 405 ->
              "method: "
                  + method
                  + " (expected: "
                  + String.join(" or ", methods(config, path))
                  + " for "
                  + path
                  + ")";
          case 413 -> tooLarge(cause);
          default -> "request: " + (description != null ? description : status.reasonPhrase());
        };
    meters.counter("herald.logic.http.errors", "status", status.codeAsText()).increment();
    int code = status.isServerError() ? GoimReplies.SERVER_ERROR : GoimReplies.REQUEST_ERROR;
    return GoimReplies.error(status, code, message);
  }

  /** {@code body: 5000 bytes (...)} when the length was declared, else {@code more than}. */
  static String tooLarge(@Nullable Throwable cause) {
    ContentTooLargeException tooLarge = find(cause);
    if (tooLarge == null) {
      return "body: too large";
    }
    String size =
        tooLarge.contentLength() >= 0
            ? tooLarge.contentLength() + " bytes"
            : "more than " + tooLarge.maxContentLength() + " bytes";
    return "body: " + size + " (expected: at most " + tooLarge.maxContentLength() + ")";
  }

  static @Nullable ContentTooLargeException find(@Nullable Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ContentTooLargeException tooLarge) {
        return tooLarge;
      }
    }
    return null;
  }

  static boolean isGoim(String path) {
    return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
  }

  /** Exceptions Armeria turns into a status of their own, which are not failures of ours. */
  private static boolean isExpected(Throwable cause) {
    return cause instanceof HttpStatusException || find(cause) != null;
  }

  /** The goim paths served, sorted. */
  private static Set<String> routes(ServiceConfig config) {
    Set<String> paths = new TreeSet<>();
    for (ServiceConfig service : config.server().config().serviceConfigs()) {
      if (service.route().pathType() == RoutePathType.EXACT
          && isGoim(service.route().patternString())) {
        paths.add(service.route().patternString());
      }
    }
    return paths;
  }

  /** The methods {@code path} is served with. */
  private static Set<String> methods(ServiceConfig config, String path) {
    Set<String> methods = new TreeSet<>();
    for (ServiceConfig service : config.server().config().serviceConfigs()) {
      if (service.route().pathType() == RoutePathType.EXACT
          && service.route().patternString().equals(path)) {
        service.route().methods().forEach(m -> methods.add(m.name()));
      }
    }
    return methods;
  }

  private static String pathOf(String pathAndQuery) {
    int query = pathAndQuery.indexOf('?');
    return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
  }
}
