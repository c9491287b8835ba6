package io.herald.logic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogicConfigTest {
  private static final ConfigLoader<LogicConfig> LOADER =
      new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC");

  @Test
  void theDeployExampleLoads() {
    LogicConfig config = LOADER.load(Path.of("..", "deploy", "logic.yaml"), Map.of()).config();
    assertThat(config.server().httpPort()).isEqualTo(3111);
    assertThat(config.server().grpcPort()).isEqualTo(3119);
    assertThat(config.auth().mode()).isEqualTo("jwt");
    assertThat(config.store().backend()).isEqualTo("redis");
    assertThat(config.store().sessionTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.push().kafka().topic()).isEqualTo("herald-push");
    assertThat(config.push().messageIds().source()).isEqualTo("local");
    assertThat(config.push().messageIds().instanceId()).isEqualTo(1);
    assertThat(config.push().messageIds().idgen().target()).isEqualTo("127.0.0.1:3121");
    assertThat(config.push().messageIds().idgen().blockSize()).isEqualTo(1000);
    assertThat(config.receive().sink()).isEqualTo("kafka");
    assertThat(config.singleLoginPlatforms()).containsExactly("android", "ios");
    assertThat(config.nodes().domain()).isEqualTo("conn.example.com");
    assertThat(config.inbox().maxCount()).isEqualTo(1000);
    assertThat(config.inbox().maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(config.inbox().syncLimit()).isEqualTo(100);
    assertThat(config.inbox().syncMaxBytes()).isEqualTo(1 << 20);
    assertThat(config.inbox().maxDevices()).isEqualTo(64);
  }

  @Test
  void theInboxKeysAreOverriddenFromTheEnvironmentAndChecked() {
    LogicConfig config =
        LOADER
            .load(
                Path.of("..", "deploy", "logic.yaml"),
                Map.of(
                    "LOGIC_INBOX_MAXCOUNT", "50",
                    "LOGIC_INBOX_MAX_AGE", "2d",
                    "LOGIC_INBOX_SYNCLIMIT", "20",
                    "LOGIC_INBOX_SYNCMAXBYTES", "65536",
                    "LOGIC_INBOX_MAXDEVICES", "8"))
            .config();
    assertThat(config.inbox().syncMaxBytes()).isEqualTo(65536);
    assertThat(config.inbox().maxDevices()).isEqualTo(8);
    assertThatThrownBy(() -> LOADER.load(null, Map.of("LOGIC_INBOX_SYNCMAXBYTES", "4194304")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("inbox.syncMaxBytes: 4194304 (expected: ");
    assertThatThrownBy(() -> LOADER.load(null, Map.of("LOGIC_INBOX_MAXDEVICES", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("inbox.maxDevices: 0 (expected: ");
    assertThat(config.inbox().maxCount()).isEqualTo(50);
    assertThat(config.inbox().maxAge()).isEqualTo(Duration.ofDays(2));
    assertThat(config.inbox().syncLimit()).isEqualTo(20);
    assertThatThrownBy(() -> LOADER.load(null, Map.of("LOGIC_INBOX_SYNCLIMIT", "501")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("inbox.syncLimit: 501 (expected: ");
    assertThatThrownBy(() -> LOADER.load(null, Map.of("LOGIC_INBOX_MAXCOUNT", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("inbox.maxCount: 0 (expected: ");
  }

  @Test
  void startedAloneItUsesTheProductionBackends() {
    LogicConfig config = LOADER.load(null, Map.of()).config();
    assertThat(config.auth().mode()).isEqualTo("jwt");
    assertThat(config.store().backend()).isEqualTo("redis");
    assertThat(config.registry().backend()).isEqualTo("redis");
    assertThat(config.push().api().requireToken()).isTrue();
    assertThat(config.push().messageIds().source()).isEqualTo("local");
  }

  @Test
  void environmentOverridesAndValidation(@TempDir Path dir) throws Exception {
    LogicConfig config =
        LOADER
            .load(
                Path.of("..", "deploy", "logic.yaml"),
                Map.of(
                    "LOGIC_PUSH_API_TOKENS", "a-token,another-token",
                    "LOGIC_STORE_REDIS_URI", "redis://redis.internal:6379"))
            .config();
    assertThat(config.push().api().tokens()).containsExactly("a-token", "another-token");
    assertThat(config.store().redis().uri()).isEqualTo("redis://redis.internal:6379");

    LogicConfig fromIdGen =
        LOADER
            .load(
                Path.of("..", "deploy", "logic.yaml"),
                Map.of(
                    "LOGIC_PUSH_MESSAGEIDS_SOURCE", "idgen",
                    "LOGIC_PUSH_MESSAGEIDS_IDGEN_TARGET", "idgen.internal:3121"))
            .config();
    assertThat(fromIdGen.push().messageIds().source()).isEqualTo("idgen");
    assertThat(fromIdGen.push().messageIds().idgen().target()).isEqualTo("idgen.internal:3121");
    assertThatThrownBy(() -> LOADER.load(null, Map.of("LOGIC_PUSH_MESSAGEIDS_SOURCE", "idgen")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config: push.messageIds.idgen.target: '' (expected: host:port of IdGen's gRPC, needed"
                + " when source is idgen)");

    Path file = dir.resolve("logic.yaml");
    Files.writeString(file, "server:\n  httpPort: 3119\n");
    assertThatThrownBy(() -> LOADER.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": server.grpcPort: 3119 (expected: != httpPort 3119)");
  }

  /** The console is off as shipped; its tokens are long, and none is also a push token. */
  @Test
  void adminTokensAreCheckedWithoutShowingThem() {
    Path deploy = Path.of("..", "deploy", "logic.yaml");
    assertThat(LOADER.load(deploy, Map.of()).config().admin().enabled()).isFalse();
    LogicConfig on =
        LOADER
            .load(
                deploy,
                Map.of("LOGIC_ADMIN_TOKENS", "admin-0123456789abcdef,admin-fedcba9876543210"))
            .config();
    assertThat(on.admin().tokens())
        .containsExactly("admin-0123456789abcdef", "admin-fedcba9876543210");
    assertThat(on.admin().toString()).isEqualTo("AdminConfig[tokens=<2 hidden>, cometToken=]");
    LogicConfig toComets =
        LOADER.load(deploy, Map.of("LOGIC_ADMIN_COMETTOKEN", "comet-0123456789abcdef")).config();
    assertThat(toComets.admin().cometToken()).isEqualTo("comet-0123456789abcdef");
    assertThat(toComets.admin().toString())
        .isEqualTo("AdminConfig[tokens=<0 hidden>, cometToken=<hidden>]");
    assertThatThrownBy(() -> LOADER.load(deploy, Map.of("LOGIC_ADMIN_COMETTOKEN", "short comet")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(deploy + ": admin.cometToken: <hidden> (expected: no whitespace)");

    assertThatThrownBy(() -> LOADER.load(deploy, Map.of("LOGIC_ADMIN_TOKENS", "short-secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            deploy
                + ": admin.tokens[0]: <hidden, 12 characters> (expected: at least 16 characters)");
    assertThatThrownBy(
            () ->
                LOADER.load(
                    deploy,
                    Map.of(
                        "LOGIC_ADMIN_TOKENS", "shared-0123456789abcdef",
                        "LOGIC_PUSH_API_TOKENS", "push-token,shared-0123456789abcdef")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            deploy
                + ": admin.tokens[0]: <hidden> (expected: a token that is not also in"
                + " push.api.tokens)")
        .message()
        .doesNotContain("shared-0123456789abcdef");
  }

  /** Trust mode lets any client claim any user: Logic listens on loopback only, unless forced. */
  @Test
  void trustModeKeepsLogicOnLoopbackUnlessForced() {
    Map<String, String> trust = Map.of("LOGIC_AUTH_MODE", "trust", "LOGIC_AUTH_ALLOWTRUST", "true");

    assertThatThrownBy(() -> LOADER.load(Path.of("..", "deploy", "logic.yaml"), trust))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            Path.of("..", "deploy", "logic.yaml")
                + ": server.host: 0.0.0.0 (expected: a loopback address such as 127.0.0.1 while"
                + " auth.mode is trust, which lets any client claim any mid; set"
                + " auth.allowTrustBeyondLoopback: true to force it)");
    for (String host : List.of("10.0.1.5", "logic.internal", "::")) {
      assertThatThrownBy(() -> LOADER.load(null, with(trust, "LOGIC_SERVER_HOST", host)))
          .hasMessageStartingWith("config: server.host: " + host + " (expected: a loopback");
    }
    for (String host : List.of("127.0.0.1", "::1", "localhost")) {
      assertThat(LOADER.load(null, with(trust, "LOGIC_SERVER_HOST", host)).config().server().host())
          .isEqualTo(host);
    }
    LogicConfig forced =
        LOADER
            .load(
                Path.of("..", "deploy", "logic.yaml"),
                with(trust, "LOGIC_AUTH_ALLOWTRUSTBEYONDLOOPBACK", "true"))
            .config();
    assertThat(forced.server().host()).isEqualTo("0.0.0.0");
    assertThat(forced.auth().allowTrustBeyondLoopback()).isTrue();
    // jwt and webhook may listen anywhere.
    assertThat(LOADER.load(null, Map.of()).config().server().host()).isEqualTo("0.0.0.0");
  }

  /** A push API without tokens is served on loopback only: the start is refused otherwise. */
  @Test
  void anOpenPushApiKeepsLogicOnLoopback() {
    Map<String, String> open = Map.of("LOGIC_PUSH_API_REQUIRETOKEN", "false");

    assertThatThrownBy(() -> LOADER.load(Path.of("..", "deploy", "logic.yaml"), open))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            Path.of("..", "deploy", "logic.yaml")
                + ": server.host: 0.0.0.0 (expected: a loopback address such as 127.0.0.1 while"
                + " push.api.requireToken is false, which lets anyone who reaches the port push,"
                + " read online counts and inboxes)");
    for (String host : List.of("10.0.1.5", "logic.internal", "::")) {
      assertThatThrownBy(() -> LOADER.load(null, with(open, "LOGIC_SERVER_HOST", host)))
          .hasMessageStartingWith("config: server.host: " + host + " (expected: a loopback");
    }
    assertThat(
            LOADER
                .load(null, with(open, "LOGIC_SERVER_HOST", "127.0.0.1"))
                .config()
                .push()
                .api()
                .requireToken())
        .isFalse();
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> more = new HashMap<>(env);
    more.put(name, value);
    return more;
  }
}
