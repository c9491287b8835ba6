package io.herald.idgen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import io.herald.idgen.Mode;
import io.herald.idgen.db.Dialect;
import io.herald.idgen.lease.LeaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdGenConfigTest {
  private static final ConfigLoader<IdGenConfig> LOADER =
      new ConfigLoader<>(IdGenConfig.class, IdGenConfig.defaults(), "IDGEN");

  @TempDir Path directory;

  @Test
  void theDefaultsAreEmbeddedOnPort3121() {
    IdGenConfig config = LOADER.load(null, Map.of()).config();
    assertThat(config.server().port()).isEqualTo(3121);
    assertThat(config.database().dialect()).isEqualTo(Dialect.H2);
    assertThat(config.leases().store()).isEqualTo(LeaseConfig.DATABASE);
    assertThat(config.tags())
        .extracting(TagConfig::name, TagConfig::mode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("message", Mode.SNOWFLAKE),
            org.assertj.core.groups.Tuple.tuple("order", Mode.SEGMENT),
            org.assertj.core.groups.Tuple.tuple("device", Mode.SONYFLAKE));
  }

  @Test
  void theDeployExampleLoads() {
    IdGenConfig config = LOADER.load(Path.of("../deploy/idgen.yaml"), Map.of()).config();
    assertThat(config.database().dialect()).isEqualTo(Dialect.POSTGRESQL);
    assertThat(config.leases().store()).isEqualTo(LeaseConfig.REDIS);
    assertThat(config.leases().ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.sonyflake().maxCount()).isEqualTo(1000);
    assertThat(config.tags()).hasSize(4);
    TagConfig invoice = config.tags().get(3);
    assertThat(invoice.segment().firstId()).isEqualTo(100_000_000L);
    assertThat(invoice.segment().maxStep()).isEqualTo(TagConfig.DEFAULT_MAX_STEP);
  }

  @Test
  void environmentVariablesOverrideKeys() {
    IdGenConfig config =
        LOADER
            .load(
                null,
                Map.of(
                    "IDGEN_SERVER_PORT", "4000",
                    "IDGEN_LEASES_STORE", "redis",
                    "IDGEN_SNOWFLAKE_MAXSTEPBACK", "10ms"))
            .config();
    assertThat(config.server().port()).isEqualTo(4000);
    assertThat(config.leases().store()).isEqualTo("redis");
    assertThat(config.snowflake().maxStepBack()).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void badValuesAreNamedWithTheirKey() throws Exception {
    assertThatThrownBy(() -> load("tags:\n  - {name: Order, mode: segment}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("name: Order (expected: 1 to 64 characters of a-z, 0-9");
    assertThatThrownBy(() -> load("tags:\n  - {name: order, mode: uuid}\n"))
        .hasMessageContaining("mode: uuid (expected: snowflake, sonyflake or segment)");
    assertThatThrownBy(
            () -> load("tags:\n  - {name: a, mode: snowflake}\n  - {name: a, mode: segment}\n"))
        .hasMessageContaining("tags: a (expected: each name once)");
    assertThatThrownBy(() -> load("tags:\n  - {name: a, mode: segment, step: 10, maxStep: 5}\n"))
        .hasMessageContaining("maxStep: 5 (expected: >= minStep 10)");
    assertThatThrownBy(() -> load("database:\n  url: jdbc:oracle:thin:@x\n"))
        .hasMessageContaining(
            "database.url: jdbc:oracle:thin:@x (expected: jdbc:postgresql:, jdbc:mysql:,");
    assertThatThrownBy(() -> load("leases:\n  renewEvery: 30s\n"))
        .hasMessageContaining("leases.renewEvery: 30s (expected: < ttl - safetyMargin = 25s)");
    assertThatThrownBy(() -> load("snowflake:\n  epoch: yesterday\n"))
        .hasMessageContaining("snowflake.epoch: yesterday (expected: an ISO-8601 instant");
    assertThatThrownBy(() -> load("snowflake:\n  maxCount: 20000\n"))
        .hasMessageContaining("snowflake.maxCount: 20000 (expected: 1-10000)");
  }

  @Test
  void mysqlUrlsSpeakTheMysqlDialect() {
    assertThat(Dialect.of("jdbc:mysql://db:3306/herald")).isEqualTo(Dialect.MYSQL);
    assertThat(Dialect.of("jdbc:mariadb://db:3306/herald")).isEqualTo(Dialect.MYSQL);
    assertThat(Dialect.MYSQL.insertIfAbsent("t", "a, b", "?, ?"))
        .isEqualTo("INSERT IGNORE INTO t (a, b) VALUES (?, ?)");
    assertThat(Dialect.POSTGRESQL.insertIfAbsent("t", "a", "?"))
        .isEqualTo("INSERT INTO t (a) VALUES (?) ON CONFLICT DO NOTHING");
    assertThat(Dialect.MYSQL.updateReturning()).isFalse();
    assertThat(Dialect.POSTGRESQL.updateReturning()).isTrue();
  }

  private IdGenConfig load(String yaml) throws Exception {
    Path file = directory.resolve("idgen.yaml");
    Files.writeString(file, yaml);
    return LOADER.load(file, Map.of()).config();
  }
}
