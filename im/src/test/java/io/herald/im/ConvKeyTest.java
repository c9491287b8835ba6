package io.herald.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConvKeyTest {

  @Test
  void oneToOneKeysDoNotDependOnTheOrder() {
    ConvKey key = ConvKey.user(9, 3);

    assertThat(key).isEqualTo(ConvKey.user(3, 9)).isEqualTo(ConvKey.of(3, ConvKind.USER, 9));
    assertThat(key.value()).isEqualTo("u:3:9");
    assertThat(key.idFor(3)).isEqualTo(9);
    assertThat(key.idFor(9)).isEqualTo(3);
    assertThat(key.hasUser(3)).isTrue();
    assertThat(ConvKey.parse("u:3:9")).isEqualTo(key);
    assertThatThrownBy(() -> key.idFor(4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(key::groupId).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void groupKeys() {
    ConvKey key = ConvKey.group(77);

    assertThat(key.value()).isEqualTo("g:77");
    assertThat(key.groupId()).isEqualTo(77);
    assertThat(key.idFor(5)).isEqualTo(77);
    assertThat(ConvKey.parse("g:77")).isEqualTo(key).isEqualTo(ConvKey.of(5, ConvKind.GROUP, 77));
  }

  @Test
  void refusesWhatIsNotAConversation() {
    assertThatThrownBy(() -> ConvKey.user(4, 4)).hasMessageContaining("with itself");
    assertThatThrownBy(() -> ConvKey.group(0)).hasMessage("group: 0 (expected: > 0)");
    for (String bad : new String[] {"u:9:3", "u:3", "x:1", "g:", "g:-1", "u:a:b"}) {
      assertThatThrownBy(() -> ConvKey.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("conversation key: " + bad);
    }
    assertThatThrownBy(() -> ConvKind.of(3)).hasMessage("kind: 3 (expected: 1 or 2)");
  }

  @Test
  void databaseConfigNamesTheBadKey() {
    assertThat(ImDatabaseConfig.embedded().postgres()).isFalse();
    assertThatThrownBy(
            () -> new ImDatabaseConfig("jdbc:mysql://x/y", "", "", 4, Duration.ofSeconds(1)))
        .hasMessage("url: jdbc:mysql://x/y (expected: jdbc:postgresql: or jdbc:h2:)");
    assertThatThrownBy(
            () ->
                new ImDatabaseConfig(
                    ImDatabaseConfig.EMBEDDED_URL, "", "", 0, Duration.ofSeconds(1)))
        .hasMessage("poolSize: 0 (expected: 1-200)");
    assertThatThrownBy(
            () ->
                new ImDatabaseConfig(
                    ImDatabaseConfig.EMBEDDED_URL, null, null, 4, Duration.ofMillis(100)))
        .hasMessageContaining("connectTimeout");
  }
}
