package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.herald.comet.config.CometConfig;
import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/comet.yaml loads, as the launcher loads it. */
class CometConfigExampleTest {
  private static final ConfigLoader<CometConfig> LOADER =
      new ConfigLoader<>(CometConfig.class, CometConfig.defaults(), "COMET");
  private static final Path EXAMPLE = Path.of("..", "deploy", "comet.yaml");

  @Test
  void theDeployExampleLoads() {
    ConfigLoader.Loaded<CometConfig> loaded = LOADER.load(EXAMPLE, Map.of());
    CometConfig config = loaded.config();

    assertThat(loaded.ignoredVariables()).isEmpty();
    assertThat(config.node().serverId()).isEqualTo("comet-sh-01");
    assertThat(config.node().region()).isEqualTo("cn-east");
    assertThat(config.node().host()).isEqualTo("comet-sh-01.example.com");
    assertThat(config.advertised())
        .isEqualTo(
            new CometConfig.Advertised(
                "comet-sh-01.example.com:3101",
                "comet-sh-01.example.com:3102",
                "comet-sh-01.example.com:3103",
                "comet-sh-01.example.com:3109",
                false));
    assertThat(config.listen().tcpPort()).isEqualTo(3101);
    assertThat(config.listen().wsPort()).isEqualTo(3102);
    assertThat(config.listen().wssPort()).isEqualTo(3103);
    assertThat(config.listen().grpcPort()).isEqualTo(3109);
    assertThat(config.listen().tls().privateKey()).isEqualTo("/etc/herald/tls/comet.key");
    assertThat(config.protocol().maxBodyBytes()).isEqualTo(4096);
    assertThat(config.heartbeat().interval()).isEqualTo(Duration.ofMinutes(4));
    assertThat(config.outbound().highWatermarkBytes()).isEqualTo(65536);
    assertThat(config.logic().target()).isEqualTo("logic.internal:3119");
    assertThat(config.registry().backend()).isEqualTo("redis");
    assertThat(config.registry().renewInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.onlineReport()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.drain()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.delivery()).isEqualTo(CometConfig.Delivery.defaults());
  }

  @Test
  void deliveryKeysAreOverriddenFromTheEnvironmentAndChecked() {
    CometConfig config =
        LOADER
            .load(
                EXAMPLE,
                Map.of(
                    "COMET_DELIVERY_ACK_MAXATTEMPTS", "3",
                    "COMET_DELIVERY_ACK_INITIALDELAY", "500ms",
                    "COMET_DELIVERY_NOTICEDELAY", "20ms",
                    "COMET_DELIVERY_SYNCREPLYMAXBYTES", "8192"))
            .config();
    assertThat(config.delivery().ack().maxAttempts()).isEqualTo(3);
    assertThat(config.delivery().ack().initialDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.delivery().noticeDelay()).isEqualTo(Duration.ofMillis(20));
    assertThat(config.delivery().syncReplyMaxBytes()).isEqualTo(8192);

    assertThatThrownBy(() -> LOADER.load(EXAMPLE, Map.of("COMET_DELIVERY_ACK_WINDOW", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("delivery.ack.window: 0 (expected: 1-4096)");
    assertThatThrownBy(() -> LOADER.load(EXAMPLE, Map.of("COMET_DELIVERY_ACK_MAXDELAY", "1s")))
        .hasMessageContaining("delivery.ack.maxDelay: ")
        .hasMessageContaining(">= initialDelay");
  }

  @Test
  void theExampleShowsEveryKey() throws Exception {
    JsonNode example = new ObjectMapper(new YAMLFactory()).readTree(EXAMPLE.toFile());
    Set<String> shown = new TreeSet<>();
    paths("", example, shown);
    Set<String> keys = new TreeSet<>();
    paths("", CometConfig.class, keys);
    // Static registry nodes are for the in-process registry only.
    keys.remove("registry.staticNodes");

    assertThat(shown).isEqualTo(keys);
  }

  private static void paths(String prefix, JsonNode node, Set<String> out) {
    node.fieldNames()
        .forEachRemaining(
            name -> {
              JsonNode child = node.get(name);
              if (child.isObject()) {
                paths(prefix + name + ".", child, out);
              } else {
                out.add(prefix + name);
              }
            });
  }

  private static void paths(String prefix, Class<?> type, Set<String> out) {
    for (RecordComponent component : type.getRecordComponents()) {
      if (component.getType().isRecord()) {
        paths(prefix + component.getName() + ".", component.getType(), out);
      } else {
        out.add(prefix + component.getName());
      }
    }
  }

  @Test
  void environmentOverridesTheExample() {
    CometConfig config =
        LOADER
            .load(
                EXAMPLE,
                Map.of(
                    "COMET_NODE_SERVERID", "comet-sh-02",
                    "COMET_LISTEN_TCPPORT", "4101",
                    "COMET_LOGIC_TARGET", "logic:3119",
                    "COMET_REGISTRY_REDIS_URI", "redis://redis.internal:6379",
                    "COMET_DRAIN", "45s"))
            .config();
    assertThat(config.node().serverId()).isEqualTo("comet-sh-02");
    assertThat(config.listen().tcpPort()).isEqualTo(4101);
    assertThat(config.logic().target()).isEqualTo("logic:3119");
    assertThat(config.registry().redis().uri()).isEqualTo("redis://redis.internal:6379");
    assertThat(config.drain()).isEqualTo(Duration.ofSeconds(45));
  }

  /** A second Comet beside the first: its id and ports, and every address follows. */
  @Test
  void aSecondCometNeedsOnlyItsIdAndPorts() {
    Map<String, String> local =
        Map.of(
            "COMET_LISTEN_HOST", "127.0.0.1",
            "COMET_NODE_HOST", "127.0.0.1",
            "COMET_LISTEN_WSSPORT", "0");
    Map<String, String> second = new java.util.HashMap<>(local);
    second.putAll(
        Map.of(
            "COMET_NODE_SERVERID", "comet-sh-02",
            "COMET_LISTEN_TCPPORT", "3201",
            "COMET_LISTEN_WSPORT", "3202",
            "COMET_LISTEN_GRPCPORT", "3209",
            "COMET_LISTEN_ADMINPORT", "3208"));

    CometConfig first = LOADER.load(EXAMPLE, local).config();
    CometConfig other = LOADER.load(EXAMPLE, second).config();

    assertThat(first.advertised())
        .isEqualTo(
            new CometConfig.Advertised(
                "127.0.0.1:3101", "127.0.0.1:3102", "", "127.0.0.1:3109", false));
    assertThat(other.advertised())
        .isEqualTo(
            new CometConfig.Advertised(
                "127.0.0.1:3201", "127.0.0.1:3202", "", "127.0.0.1:3209", false));
  }

  @Test
  void badAddressesAndSharedPortsAreNamed() {
    assertThatThrownBy(() -> LOADER.load(EXAMPLE, Map.of("COMET_NODE_TCPADDRESS", "comet:31o1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            EXAMPLE
                + ": node.tcpAddress: comet:31o1 (expected: host:port, or empty to derive it from"
                + " node.host and the listener's port)");
    assertThatThrownBy(() -> LOADER.load(EXAMPLE, Map.of("COMET_NODE_HOST", "0.0.0.0")))
        .hasMessage(
            EXAMPLE
                + ": node.host: 0.0.0.0 (expected: the name or address others reach this Comet at,"
                + " not a wildcard)");
    assertThatThrownBy(() -> LOADER.load(EXAMPLE, Map.of("COMET_LISTEN_ADMINPORT", "3101")))
        .hasMessage(
            EXAMPLE
                + ": listen.adminPort: 3101 (expected: a port no other listener uses (tcpPort))");
  }

  @Test
  void aTlsListenerWithoutCertificatesIsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("comet.yaml");
    Files.writeString(file, "listen:\n  wssPort: 3103\n");
    assertThatThrownBy(() -> LOADER.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("listen.tls.certificateChain");
  }
}
