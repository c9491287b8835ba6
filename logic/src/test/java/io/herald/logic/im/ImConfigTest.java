package io.herald.logic.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigLoader;
import io.herald.logic.server.LogicConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImConfigTest {

  @Test
  void offByDefaultWithTheDocumentedLimits() {
    ImConfig im = LogicConfig.defaults().im();

    assertThat(im.enabled()).isFalse();
    assertThat(im.database().url()).startsWith("jdbc:h2:file:./data/im/");
    assertThat(im.writeFanoutMaxMembers()).isEqualTo(100);
    assertThat(im.maxGroupMembers()).isEqualTo(10_000);
    assertThat(im.maxReadFanoutGroupsPerUser()).isEqualTo(32);
    assertThat(im.maxMessageBytes()).isEqualTo(4000);
    assertThat(im.sendsPerSecond()).isEqualTo(20);
    assertThat(im.sendBurst()).isEqualTo(40);
    assertThat(im.historyLimit(0)).isEqualTo(50);
    assertThat(im.historyLimit(1000)).isEqualTo(200);
    assertThat(im.listLimit(0)).isEqualTo(20);
    assertThat(im.listLimit(1000)).isEqualTo(100);
    assertThat(im.unreadCap()).isEqualTo(999);
    assertThat(im.policy().configured()).isFalse();
    assertThat(im.policy().onError()).isEqualTo("deny");
  }

  @Test
  void aNegativeLimitIsRefused() {
    assertThatThrownBy(() -> ImConfig.defaults().historyLimit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit: -1 (expected: 0 for the default, or a positive number)");
  }

  @Test
  void aFileAndTheEnvironmentSetTheKeys(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logic.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "im:",
            "  enabled: true",
            "  database: {url: 'jdbc:postgresql://db:5432/herald', user: herald, poolSize: 16}",
            "  writeFanoutMaxMembers: 200",
            "  policy: {url: 'http://policy:8080/may', cacheTtl: 1m, onError: allow}",
            ""));

    ImConfig im =
        new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC")
            .load(file, Map.of("LOGIC_IM_SENDSPERSECOND", "5", "LOGIC_IM_DATABASE_PASSWORD", "pw"))
            .config()
            .im();

    assertThat(im.enabled()).isTrue();
    assertThat(im.database().postgres()).isTrue();
    assertThat(im.database().poolSize()).isEqualTo(16);
    assertThat(im.database().password()).isEqualTo("pw");
    assertThat(im.writeFanoutMaxMembers()).isEqualTo(200);
    assertThat(im.sendsPerSecond()).isEqualTo(5);
    assertThat(im.policy().url()).isEqualTo("http://policy:8080/may");
    assertThat(im.policy().onError()).isEqualTo("allow");
  }

  @Test
  void badValuesNameTheKey(@TempDir Path dir) throws Exception {
    assertThat(refusal(dir, "im: {writeFanoutMaxMembers: 1}")).contains("writeFanoutMaxMembers: 1");
    assertThat(refusal(dir, "im: {policy: {onError: maybe}}"))
        .contains("onError: maybe (expected: deny or allow)");
    assertThat(refusal(dir, "im: {policy: {url: 'ftp://x'}}")).contains("url: ftp://x");
    assertThat(refusal(dir, "im: {sendBurst: 0}")).contains("sendBurst: 0");
  }

  @Test
  void aMessageMustFitThePushPath(@TempDir Path dir) throws Exception {
    assertThat(refusal(dir, "im: {enabled: true, maxMessageBytes: 4090}"))
        .contains("im.maxMessageBytes: 4090 (expected: at most push.api.maxBodyBytes - 53 = 4043");
    assertThat(refusal(dir, "im: {enabled: false, maxMessageBytes: 4090}")).isEmpty();
  }

  private static String refusal(Path dir, String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.yaml"), yaml + "\n");
    try {
      new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC").load(file, Map.of());
      return "";
    } catch (RuntimeException e) {
      return String.valueOf(e.getMessage());
    }
  }
}
