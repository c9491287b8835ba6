package io.herald.logic.auth;

import static io.herald.logic.auth.AuthAssertions.accepted;
import static io.herald.logic.auth.AuthAssertions.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookAuthenticatorTest {
  private static final Duration TTL = Duration.ofSeconds(10);

  private final AtomicLong nanos = new AtomicLong();
  private FakeAuthService service;

  @BeforeEach
  void start() throws Exception {
    service = FakeAuthService.start();
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private WebhookAuthenticator webhook(String url, Duration timeout) {
    WebhookConfig config =
        new WebhookConfig(url, timeout, TTL, 1000, Map.of("Authorization", "Bearer svc-key"));
    return new WebhookAuthenticator(config, HttpClient.newHttpClient(), nanos::get);
  }

  private WebhookAuthenticator webhook() {
    return webhook(service.url().toString(), Duration.ofSeconds(2));
  }

  private static AuthBody request(String token, String platform) {
    return new AuthBody(5, "key-1", "live://1000", platform, List.of(1000), token, "10.1.2.3");
  }

  private static AuthException.Reason reason(CompletableFuture<Identity> future) {
    return refusal(future).reason();
  }

  @Test
  void acceptedGivesTheMidFromTheAnswer() throws Exception {
    service.answer(200, "{\"mid\": 123, \"name\": \"ignored\"}");

    assertThat(accepted(webhook().authenticate(request("tok", "web"))))
        .isEqualTo(new Identity(123));
  }

  @Test
  void theRequestCarriesTheTokenTheConnectionAndTheStaticHeaders() throws Exception {
    accepted(webhook().authenticate(request("tok-abc", "ios")));

    JsonNode sent = new ObjectMapper().readTree(service.last().body());
    assertThat(sent.get("token").asText()).isEqualTo("tok-abc");
    assertThat(sent.get("mid").asLong()).isEqualTo(5);
    assertThat(sent.get("key").asText()).isEqualTo("key-1");
    assertThat(sent.get("platform").asText()).isEqualTo("ios");
    assertThat(sent.get("room_id").asText()).isEqualTo("live://1000");
    assertThat(sent.get("client_ip").asText()).isEqualTo("10.1.2.3");
    assertThat(service.last().contentType()).isEqualTo("application/json");
    assertThat(service.last().authorization()).isEqualTo("Bearer svc-key");
  }

  @Test
  void unauthorizedAndForbiddenAreRefusals() {
    service.answer(401, "");
    assertThat(reason(webhook().authenticate(request("bad", "web"))))
        .isEqualTo(AuthException.Reason.UNAUTHENTICATED);

    service.answer(403, "{\"error\":\"banned\"}");
    assertThat(reason(webhook().authenticate(request("banned", "web"))))
        .isEqualTo(AuthException.Reason.FORBIDDEN);
  }

  @Test
  void serverErrorsAndBadAnswersAreUnavailable() {
    WebhookAuthenticator webhook = webhook();
    service.answer(500, "oops");
    AuthException refused = refusal(webhook.authenticate(request("a", "web")));
    assertThat(refused.reason()).isEqualTo(AuthException.Reason.UNAVAILABLE);
    assertThat(refused).hasMessage("auth service unavailable; retry later");

    for (String body : List.of("{}", "not json", "{\"mid\":-1}", "{\"mid\":1.5}", "[1]")) {
      service.answer(200, body);
      assertThat(reason(webhook.authenticate(request(body, "web"))))
          .as(body)
          .isEqualTo(AuthException.Reason.UNAVAILABLE);
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutAsUnavailable() {
    service.hold();
    WebhookAuthenticator webhook = webhook(service.url().toString(), Duration.ofMillis(300));

    CompletableFuture<Identity> identity = webhook.authenticate(request("slow", "web"));

    assertThat(identity).isNotDone(); // sendAsync: the caller is never blocked
    assertThat(reason(identity)).isEqualTo(AuthException.Reason.UNAVAILABLE);
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    WebhookAuthenticator webhook =
        webhook("http://127.0.0.1:" + closedPort + "/auth", Duration.ofSeconds(2));

    AuthException refused = refusal(webhook.authenticate(request("t", "web")));

    assertThat(refused.reason()).isEqualTo(AuthException.Reason.UNAVAILABLE);
    assertThat(refused.getMessage()).doesNotContain(String.valueOf(closedPort));
  }

  @Test
  void identicalRequestsMakeOneCallUntilTheTtlPasses() throws Exception {
    WebhookAuthenticator webhook = webhook();
    service.answer(200, "{\"mid\":\"77\"}");

    assertThat(accepted(webhook.authenticate(request("t", "web")))).isEqualTo(new Identity(77));
    assertThat(accepted(webhook.authenticate(request("t", "web")))).isEqualTo(new Identity(77));
    assertThat(service.calls()).isEqualTo(1);

    accepted(webhook.authenticate(request("t", "android"))); // another platform: its own call
    assertThat(service.calls()).isEqualTo(2);

    nanos.addAndGet(TTL.toNanos() + 1);
    accepted(webhook.authenticate(request("t", "web")));
    assertThat(service.calls()).isEqualTo(3);
  }

  @Test
  void refusalsAreCachedToo() {
    WebhookAuthenticator webhook = webhook();
    service.answer(403, "");

    assertThat(reason(webhook.authenticate(request("t", "web"))))
        .isEqualTo(AuthException.Reason.FORBIDDEN);
    assertThat(reason(webhook.authenticate(request("t", "web"))))
        .isEqualTo(AuthException.Reason.FORBIDDEN);
    assertThat(service.calls()).isEqualTo(1);
  }

  @Test
  void anUnavailableAnswerIsNotCached() throws Exception {
    WebhookAuthenticator webhook = webhook();
    service.answer(503, "");
    assertThat(reason(webhook.authenticate(request("t", "web"))))
        .isEqualTo(AuthException.Reason.UNAVAILABLE);

    service.answer(200, "{\"mid\":9}");
    assertThat(accepted(webhook.authenticate(request("t", "web")))).isEqualTo(new Identity(9));
    assertThat(service.calls()).isEqualTo(2);
  }

  @Test
  void concurrentIdenticalRequestsShareOneCall() throws Exception {
    WebhookAuthenticator webhook = webhook();
    service.answer(200, "{\"mid\":31}");
    service.hold();

    CompletableFuture<Identity> first = webhook.authenticate(request("t", "web"));
    await().atMost(10, TimeUnit.SECONDS).until(() -> service.calls() == 1);
    CompletableFuture<Identity> second = webhook.authenticate(request("t", "web"));
    service.release();

    assertThat(accepted(first)).isEqualTo(new Identity(31));
    assertThat(accepted(second)).isEqualTo(new Identity(31));
    assertThat(service.calls()).isEqualTo(1);
  }

  @Test
  void aMissingTokenIsRefusedWithoutACall() {
    AuthException refused = refusal(webhook().authenticate(request("", "web")));

    assertThat(refused.reason()).isEqualTo(AuthException.Reason.UNAUTHENTICATED);
    assertThat(refused).hasMessage("token: missing");
    assertThat(service.calls()).isZero();
  }

  @Test
  void aUrlIsRequired() {
    assertThatThrownBy(
            () ->
                new WebhookAuthenticator(
                    WebhookConfig.defaults(), HttpClient.newHttpClient(), nanos::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("auth.webhook.url: empty");
  }
}
