package io.herald.logic.auth;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.OptionalLong;

/**
 * What the business service answered: accepted with a user id, refused (401, 403), or no usable
 * answer. Accepted and refused answers are cached; unavailable ones never are.
 */
sealed interface WebhookAnswer {
  ObjectMapper JSON = new ObjectMapper();

  /** 200 with {@code {"mid": <int64 >= 0>}}. */
  record Accepted(Identity identity) implements WebhookAnswer {}

  /** 401 (unauthenticated) or 403 (forbidden). */
  record Refused(AuthException.Reason reason, String message) implements WebhookAnswer {}

  /**
   * Anything else: another status, a body without a mid, a timeout, a refused connection.
   *
   * @param why for the log, never for the client
   */
  record Unavailable(String why) implements WebhookAnswer {}

  static WebhookAnswer of(HttpResponse<byte[]> response) {
    return switch (response.statusCode()) {
      case 200 -> accepted(response.body());
      case 401 ->
          new Refused(AuthException.Reason.UNAUTHENTICATED, "token: rejected by the auth service");
      case 403 -> new Refused(AuthException.Reason.FORBIDDEN, "forbidden by the auth service");
      default -> new Unavailable("answered HTTP " + response.statusCode());
    };
  }

  private static WebhookAnswer accepted(byte[] body) {
    JsonNode answer;
    try {
      answer = JSON.readTree(body);
    } catch (JacksonException e) {
      return new Unavailable("answered 200 with a body that is not JSON");
    } catch (IOException e) {
      return new Unavailable("answered 200 with an unreadable body");
    }
    JsonNode mid = answer == null ? null : answer.get("mid");
    OptionalLong value =
        mid == null || mid.isNull() ? OptionalLong.empty() : AuthBodyParser.int64(mid);
    if (value.isEmpty() || value.getAsLong() < 0) {
      return new Unavailable("answered 200 without a mid >= 0 (expected: {\"mid\": 123})");
    }
    return new Accepted(new Identity(value.getAsLong()));
  }
}
