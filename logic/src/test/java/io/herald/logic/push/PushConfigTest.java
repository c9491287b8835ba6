package io.herald.logic.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import io.herald.logic.ids.MessageIdsConfig;
import io.herald.logic.kafka.KafkaProducerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushConfigTest {

  @Test
  void defaultsFailAPushWithinSecondsAndNeedATokenBeforeServing() {
    PushConfig config = PushConfig.defaults();

    assertThat(config.kafka().topic()).isEqualTo("herald-push");
    assertThat(config.kafka().maxBlock().plus(config.kafka().deliveryTimeout()))
        .isLessThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(config.api().maxBodyBytes()).isEqualTo(4096);
    assertThat(config.api().maxTargets()).isEqualTo(1000);
    assertThat(config.api().requireToken()).isTrue();
    assertThatThrownBy(() -> config.api().checkTokens())
        .hasMessage(
            "tokens: [] (expected: at least one token (tokens or scopedTokens) while requireToken"
                + " is true)");
    assertThat(new PushConfig.Api(false, List.of(), 4096, 1000).checkTokens()).isNotNull();
  }

  @Test
  void loadsFromYamlAndEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logic.yaml");
    Files.writeString(
        file,
        """
        kafka:
          bootstrapServers: kafka-1:9092,kafka-2:9092
          deliveryTimeout: 8s
          properties:
            compression.type: lz4
        api:
          tokens: [s3cret-one]
          maxBodyBytes: 8192
        messageIds:
          instanceId: 17
        """);

    PushConfig config =
        new ConfigLoader<>(PushConfig.class, PushConfig.defaults(), "LOGIC")
            .load(file, Map.of("LOGIC_API_MAXTARGETS", "50"))
            .config();

    assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.kafka().deliveryTimeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(config.kafka().properties()).containsEntry("compression.type", "lz4");
    assertThat(config.api().tokens()).containsExactly("s3cret-one");
    assertThat(config.api().maxBodyBytes()).isEqualTo(8192);
    assertThat(config.api().maxTargets()).isEqualTo(50);
    assertThat(config.messageIds().instanceId()).isEqualTo(17);
  }

  @Test
  void refusesSettingsThatBreakTheGuarantees(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logic.yaml");
    Files.writeString(file, "kafka:\n  properties:\n    acks: '1'\n");

    assertThatThrownBy(
            () ->
                new ConfigLoader<>(PushConfig.class, PushConfig.defaults(), "LOGIC")
                    .load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.properties.acks: 1 (expected: not set: Herald fixes acks,");
  }

  @Test
  void checksEachValueWithItsName() {
    KafkaProducerConfig kafka = PushConfig.defaults().kafka();
    assertThatThrownBy(
            () ->
                new KafkaProducerConfig(
                    kafka.bootstrapServers(),
                    kafka.topic(),
                    "",
                    kafka.maxBlock(),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(5),
                    kafka.linger(),
                    Map.of()))
        .hasMessage(
            "deliveryTimeout: 5s (expected: at least linger + requestTimeout = 10005ms, or Kafka"
                + " refuses to build the producer)");
    assertThatThrownBy(() -> new PushConfig.Api(true, List.of("a"), 0, 10))
        .hasMessage("maxBodyBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> new PushConfig.Api(true, List.of("a b"), 10, 10))
        .hasMessage("tokens[0]: <hidden> (expected: no whitespace)");
    assertThatThrownBy(() -> new MessageIdsConfig("local", 1024, MessageIdsConfig.IdGen.defaults()))
        .hasMessage("instanceId: 1024 (expected: 0-1023)");
  }

  @Test
  void tokensNeverShowInToString() {
    assertThat(new PushConfig.Api(true, List.of("very-secret"), 10, 10).toString())
        .doesNotContain("very-secret")
        .contains("1 hidden");
  }

  @Test
  void scopedTokensLoadAsObjectsFromYamlAndAsStringsFromTheEnvironment(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("logic.yaml");
    Files.writeString(
        file,
        """
        api:
          tokens: [plain-token]
          scopedTokens:
            - token: backend-a-token
              scopes: [push]
              pushesPerSecond: 100
              pushBurst: 250
            - token: dashboard-token
              scopes: [read]
            - read+push:short-form-token
        """);
    ConfigLoader<PushConfig> loader =
        new ConfigLoader<>(PushConfig.class, PushConfig.defaults(), "LOGIC");

    PushConfig.Api api = loader.load(file, Map.of()).config().api();
    assertThat(api.scopedTokens())
        .containsExactly(
            new ApiToken("backend-a-token", List.of("push"), 100, 250),
            new ApiToken("dashboard-token", List.of("read"), 0, 0),
            new ApiToken("short-form-token", List.of("read", "push"), 0, 0));
    assertThat(api.allTokens().get(0).grants())
        .containsExactlyInAnyOrder(ApiToken.Scope.PUSH, ApiToken.Scope.READ);
    assertThat(api.toString()).doesNotContain("-token");

    PushConfig.Api fromEnv =
        loader
            .load(
                null,
                Map.of(
                    "LOGIC_API_SCOPEDTOKENS",
                    "read:env-reader-token,admin:env-admin-token-0123456789"))
            .config()
            .api();
    assertThat(fromEnv.scopedTokens())
        .extracting(ApiToken::token)
        .containsExactly("env-reader-token", "env-admin-token-0123456789");
    assertThat(fromEnv.adminTokens()).containsExactly("env-admin-token-0123456789");
  }

  @Test
  void badScopedTokensAreNamedWithoutShowingTheToken() {
    assertThatThrownBy(() -> ApiToken.parse("write:some-token"))
        .hasMessage(
            "token: <hidden> (expected: scope[+scope]:token with scopes push, read, admin)");
    assertThatThrownBy(() -> ApiToken.parse("secret-half:other-half"))
        .hasMessageNotContaining("secret-half");
    assertThatThrownBy(() -> new ApiToken("a-token", List.of("write"), 0, 0))
        .hasMessage("scopes[0]: write (expected: one of push, read, admin)");
    assertThatThrownBy(() -> ApiToken.parse("no-scope-given"))
        .hasMessageStartingWith("token: <hidden> (expected: scope[+scope]:token");
    assertThatThrownBy(() -> ApiToken.parse("admin:short-admin"))
        .hasMessage(
            "token: <hidden, 11 characters> (expected: at least 16 characters for scope admin)");
    assertThatThrownBy(() -> new ApiToken("a-token", List.of("push"), -1, 0))
        .hasMessageStartingWith("pushesPerSecond: -1");
    assertThatThrownBy(
            () ->
                new PushConfig.Api(
                    true,
                    List.of("same-token"),
                    10,
                    10,
                    List.of(ApiToken.parse("read:same-token"))))
        .hasMessage(
            "scopedTokens[0]: <hidden> (expected: a token not listed elsewhere in push.api.tokens"
                + " or push.api.scopedTokens)");
    assertThat(new ApiToken("t0k3n-value", List.of("push"), 5, 0).pushBurst()).isEqualTo(5);
  }
}
