package io.herald.logic.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import io.herald.logic.push.PushConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code push.messageIds}, loaded as part of the push config as Logic loads it. */
class MessageIdsConfigTest {

  @Test
  void messageIdsAreLocalByDefaultAndTakenFromIdGenWhenConfigured(@TempDir Path dir)
      throws Exception {
    MessageIdsConfig defaults = PushConfig.defaults().messageIds();
    assertThat(defaults.source()).isEqualTo("local");
    assertThat(defaults.idgen().target()).isEmpty();
    assertThat(defaults.idgen().tag()).isEqualTo("message");
    assertThat(defaults.idgen().blockSize()).isEqualTo(1000);
    assertThat(defaults.idgen().lowWater()).isEqualTo(250);

    Path file = dir.resolve("logic.yaml");
    Files.writeString(
        file,
        """
        messageIds:
          source: idgen
          idgen:
            target: idgen.internal:3121
            blockSize: 500
            lowWater: 100
            retryDelay: 250ms
        """);
    PushConfig config =
        new ConfigLoader<>(PushConfig.class, PushConfig.defaults(), "LOGIC")
            .load(file, Map.of("LOGIC_MESSAGEIDS_IDGEN_TAG", "push.message"))
            .config();

    MessageIdsConfig.IdGen idgen = config.messageIds().idgen();
    assertThat(config.messageIds().source()).isEqualTo("idgen");
    assertThat(idgen.target()).isEqualTo("idgen.internal:3121");
    assertThat(idgen.tag()).isEqualTo("push.message");
    assertThat(idgen.blockSize()).isEqualTo(500);
    assertThat(idgen.lowWater()).isEqualTo(100);
    assertThat(idgen.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(idgen.retryDelay()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void theIdGenSourceNeedsATargetAndSaneBlocks(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logic.yaml");
    Files.writeString(file, "messageIds:\n  source: idgen\n");
    assertThatThrownBy(
            () ->
                new ConfigLoader<>(PushConfig.class, PushConfig.defaults(), "LOGIC")
                    .load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            file
                + ": messageIds.idgen.target: '' (expected: host:port of IdGen's gRPC, needed when"
                + " source is idgen)");

    MessageIdsConfig.IdGen idgen = MessageIdsConfig.IdGen.defaults();
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new MessageIdsConfig("remote", 0, idgen))
        .hasMessage("source: remote (expected: local or idgen)");
    assertThatThrownBy(
            () -> new MessageIdsConfig.IdGen("idgen.internal", "message", 10, 5, second, second))
        .hasMessage("target: idgen.internal (expected: host:port of IdGen's gRPC)");
    assertThatThrownBy(
            () -> new MessageIdsConfig.IdGen("idgen:99999", "message", 10, 5, second, second))
        .hasMessage("target: idgen:99999 (expected: host:port of IdGen's gRPC)");
    assertThatThrownBy(
            () -> new MessageIdsConfig.IdGen("idgen:3121", "Message", 10, 5, second, second))
        .hasMessage("tag: Message (expected: [a-z0-9_.-], 1 to 64 characters)");
    assertThatThrownBy(
            () -> new MessageIdsConfig.IdGen("idgen:3121", "message", 0, 1, second, second))
        .hasMessage("blockSize: 0 (expected: 1-10000)");
    assertThatThrownBy(
            () -> new MessageIdsConfig.IdGen("idgen:3121", "message", 10_001, 1, second, second))
        .hasMessage("blockSize: 10001 (expected: 1-10000)");
    assertThatThrownBy(
            () -> new MessageIdsConfig.IdGen("idgen:3121", "message", 100, 101, second, second))
        .hasMessage("lowWater: 101 (expected: 1 to blockSize 100)");
    assertThatThrownBy(
            () -> new MessageIdsConfig.IdGen("idgen:3121", "message", 100, 0, second, second))
        .hasMessage("lowWater: 0 (expected: 1 to blockSize 100)");
    assertThatThrownBy(
            () ->
                new MessageIdsConfig.IdGen("idgen:3121", "message", 100, 10, Duration.ZERO, second))
        .hasMessage("timeout: 0ms (expected: > 0)");
    assertThat(
            new MessageIdsConfig.IdGen(
                "dns:///idgen.internal:3121", "message", 1, 1, second, second))
        .isNotNull();
  }
}
