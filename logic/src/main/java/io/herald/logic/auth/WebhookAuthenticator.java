package io.herald.logic.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.herald.logic.Failures;
import io.herald.logic.Reachability;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the business service: POSTs {@code {"token", "mid", "key", "platform", "room_id",
 * "client_ip"}} as JSON to {@link WebhookConfig#url()} and believes the answer: 200 with {@code
 * {"mid": 123}} accepts that user id, 401 is {@code UNAUTHENTICATED}, 403 {@code FORBIDDEN}; any
 * other status, a bad body, a timeout or an unreachable service is {@code UNAVAILABLE}.
 *
 * <p>Answers are cached for {@link WebhookConfig#cacheTtl()} by token and platform: a reconnect
 * storm costs the service one call per token, and concurrent identical AUTHs share one call.
 * Accepted and refused answers are cached; unavailable ones are dropped at once, so the next AUTH
 * asks again. An AUTH without a token is refused without a call (all tokenless clients would share
 * one cache entry). Never blocks: the call is {@link HttpClient#sendAsync}.
 */
public final class WebhookAuthenticator implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(WebhookAuthenticator.class);

  private record CacheKey(String token, String platform) {}

  private final WebhookConfig config;
  private final URI url;
  private final Reachability reachability;
  private final HttpClient client;
  private final AsyncCache<CacheKey, WebhookAnswer> answers;

  /**
   * @param client the HTTP client to call with; see {@link #create(WebhookConfig)}
   * @param ticker the cache's time source
   * @throws IllegalArgumentException if {@code config} has no URL
   */
  public WebhookAuthenticator(WebhookConfig config, HttpClient client, Ticker ticker) {
    if (config.url().isEmpty()) {
      throw new IllegalArgumentException(
          "auth.webhook.url: empty (expected: the business service's endpoint for mode webhook)");
    }
    this.config = config;
    this.url = URI.create(config.url());
    this.reachability = new Reachability(log, "Auth webhook " + url);
    this.client = client;
    this.answers =
        Caffeine.newBuilder()
            .expireAfterWrite(config.cacheTtl())
            .maximumSize(config.cacheSize())
            .ticker(ticker)
            .buildAsync();
  }

  /** With its own HTTP client (no redirects followed) and the system ticker. */
  public static WebhookAuthenticator create(WebhookConfig config) {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new WebhookAuthenticator(config, client, Ticker.systemTicker());
  }

  @Override
  public CompletableFuture<Identity> authenticate(AuthBody request) {
    if (request.token().isEmpty()) {
      return CompletableFuture.failedFuture(
          new AuthException(AuthException.Reason.UNAUTHENTICATED, "token: missing"));
    }
    CacheKey key = new CacheKey(request.token(), request.platform());
    CompletableFuture<WebhookAnswer> answer = answers.get(key, (k, executor) -> call(request));
    return answer.thenApply(
        received -> {
          if (received instanceof WebhookAnswer.Accepted accepted) {
            return accepted.identity();
          }
          if (received instanceof WebhookAnswer.Refused refused) {
            throw new AuthException(refused.reason(), refused.message());
          }
          // Before any caller sees it, so the next AUTH with this token asks again.
          answers.asMap().remove(key, answer);
          throw new AuthException(
              AuthException.Reason.UNAVAILABLE, "auth service unavailable; retry later");
        });
  }

  private CompletableFuture<WebhookAnswer> call(AuthBody request) {
    try {
      HttpRequest.Builder http =
          HttpRequest.newBuilder(url)
              .timeout(config.timeout())
              .POST(HttpRequest.BodyPublishers.ofByteArray(body(request)));
      config.headers().forEach(http::header);
      http.setHeader("Content-Type", "application/json");
      return client
          .sendAsync(http.build(), HttpResponse.BodyHandlers.ofByteArray())
          // The request timeout bounds the wait for the headers; this one bounds the body too.
          .orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .handle(
              (response, error) ->
                  noteReachability(
                      error == null
                          ? WebhookAnswer.of(response)
                          : new WebhookAnswer.Unavailable(Failures.cause(error).toString())));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          noteReachability(new WebhookAnswer.Unavailable(e.toString())));
    }
  }

  /** Logs the webhook's reachability when it changes ({@link Reachability}). */
  private WebhookAnswer noteReachability(WebhookAnswer answer) {
    if (answer instanceof WebhookAnswer.Unavailable unavailable) {
      reachability.failed(unavailable.why());
    } else {
      reachability.answered();
    }
    return answer;
  }

  private static byte[] body(AuthBody request) {
    ObjectNode body =
        WebhookAnswer.JSON
            .createObjectNode()
            .put("token", request.token())
            .put("mid", request.mid())
            .put("key", request.key())
            .put("platform", request.platform())
            .put("room_id", request.roomId())
            .put("client_ip", request.clientIp());
    try {
      return WebhookAnswer.JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
