package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import io.lettuce.core.codec.StringCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisEndpointTest {

  @Test
  void aLocalEndpointHasTheDefaults() {
    assertThat(RedisEndpoint.local("herald"))
        .isEqualTo(new RedisEndpoint("redis://127.0.0.1:6379", "herald", Duration.ofSeconds(2)));
  }

  @Test
  void refusesWhatCannotBeUsed() {
    Duration s2 = Duration.ofSeconds(2);
    assertThatThrownBy(() -> new RedisEndpoint("localhost:6379", "herald", s2))
        .hasMessageStartingWith("uri: localhost:6379 (expected: redis://host:port");
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", "{herald}", s2))
        .hasMessage("keyPrefix: {herald} (expected: no braces)");
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", " ", s2))
        .hasMessage("keyPrefix: empty (expected: a value)");
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", "h", Duration.ZERO))
        .hasMessage("timeout: 0ms (expected: > 0)");
  }

  @Test
  void aPasswordInTheUriIsNeverShown() {
    Duration s2 = Duration.ofSeconds(2);
    assertThatThrownBy(() -> new RedisEndpoint("redis://:pa55word@a:1,b:2", "herald", s2))
        .hasMessageStartingWith("uri: redis://<hidden>@a:1,b:2 (expected:")
        .hasNoCause();
    assertThatThrownBy(() -> new RedisEndpoint("redis-sentinel://:pa55word@s:1", "herald", s2))
        .hasMessageNotContaining("pa55word")
        .hasNoCause();
    assertThat(new RedisEndpoint("redis://:pa55word@h:1", "herald", s2).toString())
        .contains("redis://<hidden>@h:1")
        .doesNotContain("pa55word");
  }

  @Test
  void theModeIsTakenFromTheUriUnlessSet() {
    Duration s2 = Duration.ofSeconds(2);
    assertThat(new RedisEndpoint("redis://h:1", "herald", s2).kind())
        .isEqualTo(RedisEndpoint.Kind.STANDALONE);
    assertThat(new RedisEndpoint("redis-sentinel://s1:26379,s2:26379#main", "herald", s2).kind())
        .isEqualTo(RedisEndpoint.Kind.SENTINEL);
    RedisEndpoint cluster = RedisEndpoint.cluster("redis://a:7000,b:7001,c", "herald", s2);
    assertThat(cluster.kind()).isEqualTo(RedisEndpoint.Kind.CLUSTER);
    assertThat(cluster.redisUris())
        .extracting(uri -> uri.getHost() + ":" + uri.getPort())
        .containsExactly("a:7000", "b:7001", "c:6379");
    assertThat(cluster.topologyRefresh()).isEqualTo(RedisEndpoint.DEFAULT_TOPOLOGY_REFRESH);
    assertThat(RedisEndpoint.cluster("redis://a:7000", "herald", s2).redisUris()).hasSize(1);
  }

  @Test
  void contactPointsAreWhatAClientReachesFirst() {
    Duration s2 = Duration.ofSeconds(2);
    assertThat(new RedisEndpoint("redis://h:1/0", "herald", s2).contactPoints())
        .isEqualTo("redis://h:1/0");
    assertThat(new RedisEndpoint("redis-sentinel://s1:26379,s2#main", "h", s2).contactPoints())
        .isEqualTo("s1:26379,s2:26379");
    assertThat(RedisEndpoint.cluster("redis://a:7000,b", "herald", s2).contactPoints())
        .isEqualTo("a:7000,b:6379");
  }

  @Test
  void refusesAModeTheUriDoesNotFit() {
    Duration s2 = Duration.ofSeconds(2);
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", "herald", s2, "clustr", null))
        .hasMessage("mode: clustr (expected: standalone, sentinel or cluster)");
    assertThatThrownBy(() -> new RedisEndpoint("redis://a:1,b:2", "herald", s2))
        .hasMessageStartingWith(
            "uri: redis://a:1,b:2 (expected: redis://host:port or rediss://host:port; several"
                + " hosts need mode: cluster");
    assertThatThrownBy(() -> new RedisEndpoint("redis://h:1", "herald", s2, "sentinel", null))
        .hasMessageStartingWith("uri: redis://h:1 (expected: redis-sentinel://host:port");
    assertThatThrownBy(() -> new RedisEndpoint("redis-sentinel://s:1#m", "h", s2, "cluster", null))
        .hasMessageStartingWith("uri: redis-sentinel://s:1#m (expected: redis://host:port[,");
    assertThatThrownBy(
            () -> new RedisEndpoint("redis-sentinel://s:1#m", "h", s2, "standalone", null))
        .hasMessageStartingWith("uri: redis-sentinel://s:1#m (expected: redis://host:port");
    assertThatThrownBy(() -> new RedisEndpoint("redis-sentinel://s:1", "herald", s2))
        .hasMessageContaining("#masterName");
    assertThatThrownBy(
            () -> new RedisEndpoint("redis://h:1", "herald", s2, "cluster", Duration.ZERO))
        .hasMessage("topologyRefresh: 0ms (expected: > 0)");
  }

  @Test
  void loadsFromYamlAndTheEnvironment(@TempDir Path dir) throws Exception {
    ConfigLoader<RedisEndpoint> loader =
        new ConfigLoader<>(RedisEndpoint.class, RedisEndpoint.local("herald"), "R");
    Path old = Files.writeString(dir.resolve("old.yaml"), "uri: redis://10.0.0.5:6379\n");
    assertThat(loader.load(old, Map.of()).config())
        .isEqualTo(new RedisEndpoint("redis://10.0.0.5:6379", "herald", Duration.ofSeconds(2)));
    Path sentinel =
        Files.writeString(dir.resolve("s.yaml"), "uri: 'redis-sentinel://s1:26379#main'\n");
    assertThat(loader.load(sentinel, Map.of()).config().kind())
        .isEqualTo(RedisEndpoint.Kind.SENTINEL);
    Path cluster =
        Files.writeString(
            dir.resolve("c.yaml"),
            "mode: cluster\nuri: 'redis://r1:6379,r2:6379'\ntopologyRefresh: 2s\n");
    RedisEndpoint loaded = loader.load(cluster, Map.of()).config();
    assertThat(loaded.kind()).isEqualTo(RedisEndpoint.Kind.CLUSTER);
    assertThat(loaded.redisUris()).hasSize(2);
    assertThat(loaded.topologyRefresh()).isEqualTo(Duration.ofSeconds(2));
    assertThat(
            loader
                .load(old, Map.of("R_MODE", "cluster", "R_URI", "redis://a:1,b:2"))
                .config()
                .redisUris())
        .hasSize(2);
    assertThatThrownBy(() -> loader.load(old, Map.of("R_MODE", "sentinel")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("uri: redis://10.0.0.5:6379 (expected: redis-sentinel://");
  }

  @Test
  void aLinkRefusesCommandsOutsideItsLife() {
    RedisLink<String, String> link =
        new RedisLink<>(RedisEndpoint.local("herald"), StringCodec.UTF8);
    assertThat(link.commands())
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .withMessageContaining("redis not started");
    link.stop();
    assertThat(link.commands()).isCompletedExceptionally();
  }
}
