package io.herald.logic.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A goim backend calling the HTTP API over a real socket. */
final class GoimHttpClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebClient client;
  private final String authorization;

  GoimHttpClient(int port, String authorization) {
    this.client =
        WebClient.builder("http://127.0.0.1:" + port)
            .responseTimeout(Duration.ofSeconds(20))
            .build();
    this.authorization = authorization;
  }

  /** With {@code Authorization: Bearer <token>}. */
  static GoimHttpClient withToken(int port, String token) {
    return new GoimHttpClient(port, "Bearer " + token);
  }

  /** The HTTP answer and its parsed JSON body. */
  record Reply(int status, JsonNode json) {
    int code() {
      return json.get("code").asInt();
    }

    String message() {
      return json.get("message").asText();
    }

    JsonNode data() {
      return json.get("data");
    }
  }

  Reply post(String pathAndQuery, String body) {
    return post(pathAndQuery, body.getBytes(StandardCharsets.UTF_8));
  }

  Reply post(String pathAndQuery, byte[] body) {
    return send(HttpMethod.POST, pathAndQuery, body);
  }

  Reply get(String pathAndQuery) {
    return send(HttpMethod.GET, pathAndQuery, new byte[0]);
  }

  /** The HTTP status alone, for answers that are not goim's JSON. */
  int postStatus(String pathAndQuery, byte[] body) {
    return execute(HttpMethod.POST, pathAndQuery, body).status().code();
  }

  private AggregatedHttpResponse execute(HttpMethod method, String pathAndQuery, byte[] body) {
    RequestHeadersBuilder headers = RequestHeaders.builder(method, pathAndQuery);
    if (authorization != null) {
      headers.add(HttpHeaderNames.AUTHORIZATION, authorization);
    }
    return client.execute(headers.build(), HttpData.wrap(body)).aggregate().join();
  }

  private Reply send(HttpMethod method, String pathAndQuery, byte[] body) {
    AggregatedHttpResponse response = execute(method, pathAndQuery, body);
    try {
      return new Reply(response.status().code(), JSON.readTree(response.contentUtf8()));
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.contentUtf8(), e);
    }
  }
}
