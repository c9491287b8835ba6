package io.herald.logic.receive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * POSTs each upstream message as JSON ({@code mid, key, server_id, op, seq, body} with the body in
 * base64) to a business URL. Any 2xx takes it; anything else, or a timeout, fails it.
 */
final class WebhookUpstreamSink implements UpstreamSink {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final ReceiveConfig.Webhook config;

  WebhookUpstreamSink(ReceiveConfig.Webhook config) {
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  @Override
  public CompletableFuture<Void> accept(UpstreamMessage message) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(config.url()))
            .timeout(config.timeout())
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json(message)))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenAccept(
            response -> {
              if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                    "upstream webhook answered HTTP " + response.statusCode());
              }
            });
  }

  private static byte[] json(UpstreamMessage message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("mid", message.mid());
    body.put("key", message.key());
    body.put("server_id", message.serverId());
    body.put("op", message.op());
    body.put("seq", message.seq());
    body.put("body", Base64.getEncoder().encodeToString(message.body().toByteArray()));
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode an upstream message", e);
    }
  }
}
