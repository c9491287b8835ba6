package io.herald.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;

/** goim's push API on a Logic, as a backend calls it; every answer's JSON. */
public final class GoimApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String base;

  /**
   * @param base e.g. {@code http://127.0.0.1:3111}
   */
  public GoimApi(String base) {
    this.base = base;
  }

  /** {@code POST /goim/push/mids?operation=1000&mids=...}. */
  public JsonNode pushMids(Collection<Long> mids, String body) {
    String list = mids.stream().map(String::valueOf).collect(Collectors.joining(","));
    return post("/goim/push/mids?operation=1000&mids=" + list, body);
  }

  /** {@code POST /goim/push/room?operation=1000&type=<type>&room=<room>}. */
  public JsonNode pushRoom(String type, String room, String body) {
    return post("/goim/push/room?operation=1000&type=" + type + "&room=" + room, body);
  }

  /** {@code GET path}; the answer's JSON. */
  public JsonNode get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public JsonNode post(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** {@code POST path} with a JSON body; the answer's JSON. */
  public JsonNode postJson(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** {@code DELETE path}; the answer's JSON. */
  public JsonNode delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  private static JsonNode send(HttpRequest.Builder request) {
    try {
      String answer =
          HTTP.send(
                  request.timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return JSON.readTree(answer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
