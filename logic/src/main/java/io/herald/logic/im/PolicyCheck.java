package io.herald.logic.im;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.herald.logic.Failures;
import io.herald.logic.Reachability;
import io.herald.wire.chat.ChatStatus;
import java.io.IOException;
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
 * The "may A message B" webhook ({@code im.policy}): POSTs {@code {"from":1,"kind":"user","to":2}}
 * and believes a 200 with {@code {"allow":true}} or {@code {"allow":false,"reason":"blocked"}}. Any
 * other status, a body without a boolean {@code allow}, a timeout or an unreachable service is
 * unavailable: the send is refused UNAVAILABLE ({@code onError: deny}) or let through ({@code
 * allow}).
 *
 * <p>Answers (allowed and refused) are cached per (from, kind, to) for {@code cacheTtl}, at most
 * {@code cacheSize} of them, and concurrent sends of the same pair share one call; an unavailable
 * answer is dropped at once so the next send asks again (as {@code WebhookAuthenticator} does).
 * Never blocks: the call is {@link HttpClient#sendAsync}.
 */
final class PolicyCheck {
  private static final Logger log = LoggerFactory.getLogger(PolicyCheck.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One pair's answer. */
  sealed interface Answer {
    record Allowed() implements Answer {}

    record Refused(String reason) implements Answer {}

    record Unavailable(String why) implements Answer {}
  }

  private record Key(long from, String kind, long to) {}

  private final ImConfig.Policy config;
  private final URI url;
  private final Reachability reachability;
  private final HttpClient client;
  private final AsyncCache<Key, Answer> answers;
  private final ImMetrics metrics;

  PolicyCheck(ImConfig.Policy config, HttpClient client, Ticker ticker, ImMetrics metrics) {
    if (!config.configured()) {
      throw new IllegalArgumentException("im.policy.url: empty (expected: the webhook's URL)");
    }
    this.config = config;
    this.url = URI.create(config.url());
    this.reachability = new Reachability(log, "IM policy webhook " + url);
    this.client = client;
    this.metrics = metrics;
    this.answers =
        Caffeine.newBuilder()
            .expireAfterWrite(config.cacheTtl())
            .maximumSize(config.cacheSize())
            .ticker(ticker)
            .buildAsync();
  }

  /** With its own HTTP client (no redirects followed) and the system ticker. */
  static PolicyCheck create(ImConfig.Policy config, ImMetrics metrics) {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new PolicyCheck(config, client, Ticker.systemTicker(), metrics);
  }

  /**
   * Completes when {@code from} may message user {@code to}; fails with a {@link ChatException}:
   * REFUSED with the webhook's reason, or UNAVAILABLE when it could not answer and {@code onError}
   * is {@code deny}.
   */
  CompletableFuture<Void> check(long from, long to) {
    Key key = new Key(from, "user", to);
    CompletableFuture<Answer> answer = answers.get(key, (k, executor) -> call(k));
    return answer.thenAccept(
        received -> {
          if (received instanceof Answer.Allowed) {
            return;
          }
          if (received instanceof Answer.Refused refused) {
            throw new ChatException(ChatStatus.REFUSED, refused.reason());
          }
          // Before any caller sees it, so the next send of this pair asks again.
          answers.asMap().remove(key, answer);
          if (config.onError().equals(ImConfig.Policy.ALLOW)) {
            return;
          }
          throw new ChatException(
              ChatStatus.UNAVAILABLE, "the policy service is unavailable; retry later");
        });
  }

  private CompletableFuture<Answer> call(Key key) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(config.timeout())
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body(key)))
              .build();
      return client
          .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .handle(
              (response, error) ->
                  noted(
                      error == null
                          ? answer(response)
                          : new Answer.Unavailable(Failures.cause(error).toString())));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(noted(new Answer.Unavailable(e.toString())));
    }
  }

  static Answer answer(HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      return new Answer.Unavailable("HTTP " + response.statusCode());
    }
    try {
      JsonNode body = JSON.readTree(response.body());
      JsonNode allow = body == null ? null : body.get("allow");
      if (allow == null || !allow.isBoolean()) {
        return new Answer.Unavailable("no boolean \"allow\" in the answer");
      }
      if (allow.booleanValue()) {
        return new Answer.Allowed();
      }
      JsonNode reason = body.get("reason");
      return new Answer.Refused(
          reason != null && reason.isTextual() && !reason.asText().isBlank()
              ? reason.asText()
              : "refused by policy");
    } catch (IOException e) {
      return new Answer.Unavailable("unreadable answer: " + e.getMessage());
    }
  }

  /** Counts the answer; logs the webhook's reachability when it changes ({@link Reachability}). */
  private Answer noted(Answer answer) {
    metrics.policy(answer);
    if (answer instanceof Answer.Unavailable unavailable) {
      reachability.failed(unavailable.why());
    } else {
      reachability.answered();
    }
    return answer;
  }

  private static byte[] body(Key key) {
    try {
      return JSON.writeValueAsBytes(
          JSON.createObjectNode()
              .put("from", key.from())
              .put("kind", key.kind())
              .put("to", key.to()));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
