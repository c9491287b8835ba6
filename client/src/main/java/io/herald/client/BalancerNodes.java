package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Balancer for Comets: {@code GET /nodes?platform=&limit=} (docs/balancer.md) with the
 * JDK's HTTP client, and takes each node's address for the client's transport ({@code tcp} or
 * {@code ws}), in the Balancer's order. A failed or unreadable answer gives an empty list (logged):
 * the client then falls back on its configured nodes.
 */
final class BalancerNodes {
  private static final Logger log = LoggerFactory.getLogger(BalancerNodes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI uri;
  private final Transport transport;
  private final Duration timeout;
  private final Executor executor;
  private HttpClient http;

  /**
   * @param balancer the Balancer's base URI, e.g. {@code http://balancer:3131}
   * @param executor where answers are handled (the client's event loop)
   */
  BalancerNodes(
      URI balancer,
      String platform,
      int limit,
      Transport transport,
      Duration timeout,
      Executor executor) {
    String base = balancer.toString().replaceAll("/+$", "");
    this.uri =
        URI.create(
            base
                + "/nodes?platform="
                + URLEncoder.encode(platform, StandardCharsets.UTF_8)
                + "&limit="
                + limit);
    this.transport = transport;
    this.timeout = timeout;
    this.executor = executor;
  }

  URI uri() {
    return uri;
  }

  /** The nodes' {@code host:port} addresses for the transport, best first; empty on failure. */
  CompletableFuture<List<String>> fetch() {
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").build();
    return client()
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(this::addresses)
        .exceptionally(
            error -> {
              log.warn("Balancer {} gave no nodes: {}", uri, error.toString());
              return List.of();
            });
  }

  private synchronized HttpClient client() {
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
    }
    return http;
  }

  private List<String> addresses(HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "HTTP "
              + response.statusCode()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    return addresses(response.body(), transport);
  }

  /** The addresses in a {@code /nodes} answer for {@code transport}; nodes without one left out. */
  static List<String> addresses(byte[] body, Transport transport) {
    String field = transport == Transport.TCP ? "tcp" : "ws";
    try {
      List<String> out = new ArrayList<>();
      for (JsonNode node : JSON.readTree(body).path("nodes")) {
        String address = node.path(field).asText("");
        if (!address.isEmpty()) {
          out.add(address);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
