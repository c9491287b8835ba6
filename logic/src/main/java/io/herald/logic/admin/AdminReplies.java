package io.herald.logic.admin;

import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herald.logic.Failures;
import io.herald.logic.push.PushUnavailableException;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console API's answers: the data as JSON with 200, or {@code {"error":"..."}} with the status
 * that says what went wrong — 400 a bad request (the message names the parameter), 401 no or a
 * wrong admin token, 404 an unknown Comet or path, 413 a body over the limit, 502 a Comet that did
 * not answer, 503 a push Logic could not queue, 500 anything else (logged). Never cached.
 */
final class AdminReplies {
  private static final Logger log = LoggerFactory.getLogger(AdminReplies.class);

  private AdminReplies() {}

  static HttpResponse ok(Object data) {
    return HttpResponse.ofJson(headers(HttpStatus.OK), data);
  }

  static HttpResponse error(HttpStatus status, String message) {
    return HttpResponse.ofJson(headers(status), Map.of("error", message));
  }

  static HttpResponse unauthorized(String reason) {
    return HttpResponse.ofJson(
        headers(HttpStatus.UNAUTHORIZED).toBuilder()
            .add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"herald-admin\"")
            .build(),
        Map.of("error", reason));
  }

  /** The status {@code failure} answers with. */
  static HttpStatus status(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof AdminException admin) {
      return admin.status();
    }
    if (cause instanceof ContentTooLargeException) {
      return HttpStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    if (cause instanceof IllegalArgumentException) {
      return HttpStatus.BAD_REQUEST;
    }
    if (cause instanceof NoSuchElementException) {
      return HttpStatus.NOT_FOUND;
    }
    if (cause instanceof PushUnavailableException) {
      return HttpStatus.SERVICE_UNAVAILABLE;
    }
    if (cause instanceof StatusRuntimeException grpc) {
      return grpc.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
          ? HttpStatus.BAD_REQUEST
          : HttpStatus.BAD_GATEWAY;
    }
    return HttpStatus.INTERNAL_SERVER_ERROR;
  }

  /** The metric result of an answer with {@code status}. */
  static String result(HttpStatus status) {
    return switch (status.code()) {
      case 200 -> AdminMetrics.OK;
      case 400, 413 -> AdminMetrics.BAD_REQUEST;
      case 401 -> AdminMetrics.UNAUTHORIZED;
      case 404 -> AdminMetrics.NOT_FOUND;
      case 502, 503 -> AdminMetrics.UNAVAILABLE;
      default -> AdminMetrics.ERROR;
    };
  }

  /** {@code failure} as an answer; one Logic did not expect (500) is logged with its trace. */
  static HttpResponse failure(String what, Throwable failure) {
    HttpStatus status = status(failure);
    if (status == HttpStatus.INTERNAL_SERVER_ERROR) {
      log.warn("Admin console: {} failed", what, Failures.cause(failure));
    }
    if (Failures.cause(failure) instanceof ContentTooLargeException tooLarge) {
      return error(
          status,
          "body: more than "
              + tooLarge.maxContentLength()
              + " bytes (expected: at most "
              + tooLarge.maxContentLength()
              + ")");
    }
    return error(status, Failures.reason(failure));
  }

  private static ResponseHeaders headers(HttpStatus status) {
    return ResponseHeaders.builder(status)
        .add(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .add(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff")
        .build();
  }
}
