package io.herald.logic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigLoader;
import io.herald.logic.online.InMemoryOnlineStore;
import io.herald.logic.online.RedisOnlineStore;
import io.herald.logic.session.InMemorySessionStore;
import io.herald.logic.session.RedisSessionStore;
import io.herald.redis.RedisEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConfigTest {
  private static final RedisEndpoint REDIS = RedisEndpoint.local("herald");
  private static final Duration M15 = Duration.ofMinutes(15);
  private static final Duration S30 = Duration.ofSeconds(30);
  private static final Duration S5 = Duration.ofSeconds(5);
  private static final Duration S1 = Duration.ofSeconds(1);

  @TempDir Path dir;

  @Test
  void defaultsAreInMemoryWithTheDocumentedTimings() {
    StoreConfig config = StoreConfig.defaults();

    assertThat(config.backend()).isEqualTo("memory");
    assertThat(config.sessionTtl()).isEqualTo(M15);
    assertThat(config.purgeBatch()).isEqualTo(500);
    assertThat(config.onlineTtl()).isEqualTo(S30);
    assertThat(config.onlineRefresh()).isEqualTo(S5);
    assertThat(config.redis())
        .isEqualTo(new RedisEndpoint("redis://127.0.0.1:6379", "herald", Duration.ofSeconds(2)));
  }

  @Test
  void refusesBadValuesWithTheKeyAndTheExpectation() {
    assertThatThrownBy(() -> new StoreConfig("etcd", REDIS, M15, 500, S30, S5, S1))
        .hasMessage("backend: etcd (expected: redis or memory)");
    assertThatThrownBy(() -> new StoreConfig("redis", REDIS, Duration.ZERO, 500, S30, S5, S1))
        .hasMessage("sessionTtl: 0ms (expected: > 0)");
    assertThatThrownBy(() -> new StoreConfig("redis", REDIS, Duration.ofNanos(5), 500, S30, S5, S1))
        .hasMessage("sessionTtl: 0ms (expected: >= 1ms)");
    assertThatThrownBy(() -> new StoreConfig("redis", REDIS, M15, 0, S30, S5, S1))
        .hasMessage("purgeBatch: 0 (expected: 1-10000)");
    assertThatThrownBy(() -> new StoreConfig("redis", REDIS, M15, 500, S30, S30, S1))
        .hasMessage("onlineRefresh: 30s (expected: < onlineTtl 30s)");
    assertThatThrownBy(() -> new StoreConfig("redis", null, M15, 500, S30, S5, S1))
        .hasMessage("redis: missing (expected: a value)");
  }

  @Test
  void refusesABadRedisUriPrefixOrTimeout() {
    assertThatThrownBy(() -> new RedisEndpoint("http://x", "herald", S5))
        .hasMessageStartingWith("uri: http://x (expected: redis://host:port");
    assertThatThrownBy(() -> new RedisEndpoint("redis://x:6379", "{herald}", S5))
        .hasMessage("keyPrefix: {herald} (expected: no braces)");
    assertThatThrownBy(() -> new RedisEndpoint("redis://x:6379", " ", S5))
        .hasMessage("keyPrefix: empty (expected: a value)");
    assertThatThrownBy(() -> new RedisEndpoint("redis://x:6379", "h", Duration.ZERO))
        .hasMessage("timeout: 0ms (expected: > 0)");
  }

  @Test
  void loadsFromYamlAndTheEnvironment() throws IOException {
    Path file = dir.resolve("store.yaml");
    Files.writeString(
        file,
        """
        backend: redis
        redis:
          uri: redis://10.0.0.5:6379/1
          keyPrefix: prod
        sessionTtl: 20m
        """);
    ConfigLoader<StoreConfig> loader =
        new ConfigLoader<>(StoreConfig.class, StoreConfig.defaults(), "store");

    StoreConfig config = loader.load(file, Map.of("STORE_ONLINE_TTL", "1m")).config();

    assertThat(config.backend()).isEqualTo("redis");
    assertThat(config.redis())
        .isEqualTo(new RedisEndpoint("redis://10.0.0.5:6379/1", "prod", Duration.ofSeconds(2)));
    assertThat(config.sessionTtl()).isEqualTo(Duration.ofMinutes(20));
    assertThat(config.onlineTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.onlineRefresh()).isEqualTo(S5);
  }

  @Test
  void theBackendPicksTheStores() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    StoreBackend memory = StoreBackend.create(StoreConfig.defaults(), Clock.systemUTC(), meters);
    memory.start();
    assertThat(memory.sessions()).isInstanceOf(InMemorySessionStore.class);
    assertThat(memory.online()).isInstanceOf(InMemoryOnlineStore.class);
    memory.stop();

    StoreConfig redis = new StoreConfig("redis", REDIS, M15, 500, S30, S5, S1);
    StoreBackend remote = StoreBackend.create(redis, Clock.systemUTC(), meters);
    assertThat(remote.sessions()).isInstanceOf(RedisSessionStore.class);
    assertThat(remote.online()).isInstanceOf(RedisOnlineStore.class);
    assertThatThrownBy(() -> remote.sessions().sessionsOfKeys(List.of("k")).join())
        .hasRootCauseMessage("redis not started");
    remote.stop();
  }
}
