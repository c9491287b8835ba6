package io.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  public record Tcp(String host, int port) {
    public Tcp {
      Check.notBlank("host", host);
      Check.port("port", port);
    }
  }

  public record Backoff(Duration maxDelay, double factor) {
    public Backoff {
      Check.positive("maxDelay", maxDelay);
      Check.inRange("factor", factor, 1.0, 10.0);
    }
  }

  public record SampleConfig(Tcp tcp, List<String> seeds, Duration heartbeat, Backoff backoff) {}

  private static final SampleConfig DEFAULTS =
      new SampleConfig(
          new Tcp("0.0.0.0", 3101),
          List.of("a:1"),
          Duration.ofMinutes(4),
          new Backoff(Duration.ofSeconds(120), 1.6));

  private final ConfigLoader<SampleConfig> loader =
      new ConfigLoader<>(SampleConfig.class, DEFAULTS, "comet");

  @TempDir Path dir;

  @Test
  void defaultsWhenNothingElseSpeaks() {
    ConfigLoader.Loaded<SampleConfig> loaded = loader.load(null, Map.of());
    assertThat(loaded.config()).isEqualTo(DEFAULTS);
    assertThat(loaded.ignoredVariables()).isEmpty();
  }

  @Test
  void fileOverlaysDefaultsKeyByKey() throws IOException {
    Path file = yaml("tcp:\n  port: 4101\nheartbeat: 30s\nseeds: [x:1, y:2]\n");
    SampleConfig config = loader.load(file, Map.of()).config();
    assertThat(config.tcp()).isEqualTo(new Tcp("0.0.0.0", 4101));
    assertThat(config.heartbeat()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.seeds()).containsExactly("x:1", "y:2");
    assertThat(config.backoff()).isEqualTo(DEFAULTS.backoff());
  }

  @Test
  void environmentOverridesFileWithEitherSpelling() throws IOException {
    Path file = yaml("tcp:\n  port: 4101\n");
    SampleConfig config =
        loader
            .load(
                file,
                Map.of(
                    "COMET_TCP_PORT", "5101",
                    "COMET_BACKOFF_MAX_DELAY", "5m",
                    "COMET_BACKOFF_FACTOR", "2.5",
                    "COMET_SEEDS", "p:1, q:2",
                    "PATH", "/usr/bin"))
            .config();
    assertThat(config.tcp().port()).isEqualTo(5101);
    assertThat(config.backoff()).isEqualTo(new Backoff(Duration.ofMinutes(5), 2.5));
    assertThat(config.seeds()).containsExactly("p:1", "q:2");
    assertThat(loader.load(null, Map.of("COMET_BACKOFF_MAXDELAY", "1s")).config().backoff())
        .isEqualTo(new Backoff(Duration.ofSeconds(1), 1.6));
  }

  @Test
  void reportsPrefixedVariablesThatMatchNoKey() {
    ConfigLoader.Loaded<SampleConfig> loaded =
        loader.load(null, Map.of("COMET_PORT", "tcp://10.0.0.1:3101", "COMET_TCP", "x"));
    assertThat(loaded.ignoredVariables()).containsExactly("COMET_PORT", "COMET_TCP");
    assertThat(loaded.config()).isEqualTo(DEFAULTS);
  }

  @Test
  void validationNamesTheKeyAndTheExpectation() throws IOException {
    Path file = yaml("tcp:\n  port: 0\n");
    assertThatThrownBy(() -> loader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": tcp.port: 0 (expected: 1-65535)");
    assertThatThrownBy(() -> loader.load(null, Map.of("COMET_BACKOFF_FACTOR", "0.5")))
        .hasMessage("config: backoff.factor: 0.5 (expected: 1.0 to 10.0)");
  }

  @Test
  void unknownKeysAreRefusedWithTheKnownOnes() throws IOException {
    Path file = yaml("tcp:\n  prot: 1\n");
    assertThatThrownBy(() -> loader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": unknown key 'tcp.prot' (known here: host, port)");
  }

  @Test
  void wrongTypesAndBadDurationsNameTheKey() throws IOException {
    assertThatThrownBy(() -> loader.load(yaml("tcp:\n  port: abc\n"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tcp.port: Cannot deserialize value of type `int`");
    assertThatThrownBy(() -> loader.load(null, Map.of("COMET_HEARTBEAT", "soon")))
        .hasMessageContaining("heartbeat: Cannot deserialize value of type `java.time.Duration`")
        .hasMessageContaining("'soon' is not a duration");
  }

  @Test
  void badYamlSaysSo() throws IOException {
    Path file = yaml("tcp: [unclosed\n");
    assertThatThrownBy(() -> loader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": not valid YAML");
    assertThatThrownBy(() -> loader.load(dir.resolve("missing.yaml"), Map.of()))
        .hasMessageContaining("cannot be read");
  }

  @Test
  void anEmptyFileMeansDefaults() throws IOException {
    assertThat(loader.load(yaml(""), Map.of()).config()).isEqualTo(DEFAULTS);
  }

  private Path yaml(String text) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(file, text);
    return file;
  }
}
