package io.herald.bench.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Publishes each message as one HTTP/1.1 POST, the body the message, and waits for the answer: how
 * a backend pushes to Herald's goim API and to nchan's publisher location.
 */
final class HttpPublisher {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI uri;

  HttpPublisher(URI uri) {
    this.uri = uri;
  }

  /** Posts {@code body}; returns the answer's body, failing on a status other than 2xx. */
  String post(byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "POST " + uri + ": " + response.statusCode() + " " + response.body().strip());
    }
    return response.body();
  }
}
