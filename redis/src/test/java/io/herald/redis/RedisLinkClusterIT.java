package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.testkit.RealRedisCluster;
import io.herald.testkit.RedisClusterServer;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link RedisLink} in {@code mode: cluster} against a real Redis Cluster of three masters and
 * three replicas: commands reach every master, multi-key commands and scripts work when their keys
 * share a slot, and a master killed outright is replaced under the link's feet.
 */
@RealRedisCluster
class RedisLinkClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<RedisLink<String, String>> links = new ArrayList<>();

  @AfterEach
  void stop() {
    links.forEach(RedisLink::stop);
  }

  private RedisLink<String, String> link(RedisClusterServer cluster) {
    RedisEndpoint endpoint =
        new RedisEndpoint(
            cluster.uri(),
            cluster.keyPrefix(),
            Duration.ofSeconds(1),
            RedisEndpoint.CLUSTER,
            Duration.ofMillis(500));
    RedisLink<String, String> link = new RedisLink<>(endpoint, StringCodec.UTF8);
    links.add(link);
    link.start();
    return link;
  }

  private static RedisClusterAsyncCommands<String, String> commands(RedisLink<String, String> link)
      throws Exception {
    return link.commands().get(5, TimeUnit.SECONDS);
  }

  /** One key per master: {@code name0}, {@code name1}... until every master holds one. */
  private static Map<Integer, String> keyPerMaster(RedisClusterServer cluster, String name) {
    Map<Integer, String> keys = new LinkedHashMap<>();
    for (int i = 0; keys.size() < 3; i++) {
      String key = cluster.key(name + i);
      keys.putIfAbsent(cluster.masterPortOf(key), key);
    }
    return keys;
  }

  @Test
  void commandsReachEveryMasterAndMultiKeyCommandsSplitBySlot(RedisClusterServer cluster)
      throws Exception {
    RedisClusterAsyncCommands<String, String> redis = commands(link(cluster));
    Map<Integer, String> keys = keyPerMaster(cluster, "spread");
    for (String key : keys.values()) {
      assertThat(redis.set(key, "v-" + key).get()).isEqualTo("OK");
    }
    for (String key : keys.values()) {
      assertThat(redis.get(key).get()).isEqualTo("v-" + key);
    }
    // MGET and DEL over three slots: Lettuce splits them by slot and joins the answers.
    List<KeyValue<String, String>> values = redis.mget(keys.values().toArray(String[]::new)).get();
    assertThat(values).extracting(KeyValue::getValue).allMatch(v -> v.startsWith("v-"));
    assertThat(redis.del(keys.values().toArray(String[]::new)).get()).isEqualTo(3);
  }

  @Test
  void scriptsRunWhenTheirKeysShareASlotAndAreRefusedOtherwise(RedisClusterServer cluster)
      throws Exception {
    RedisClusterAsyncCommands<String, String> redis = commands(link(cluster));
    String script =
        "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return 1";
    String[] tagged = {cluster.key("{user-7}:a"), cluster.key("{user-7}:b")};
    assertThat(redis.<Long>eval(script, ScriptOutputType.INTEGER, tagged, "x").get()).isOne();
    assertThat(redis.get(tagged[1]).get()).isEqualTo("x");

    Map<Integer, String> apart = keyPerMaster(cluster, "apart");
    String[] spread = apart.values().stream().limit(2).toArray(String[]::new);
    CompletableFuture<Long> refused =
        redis.<Long>eval(script, ScriptOutputType.INTEGER, spread, "x").toCompletableFuture();
    assertThat(refused)
        .failsWithin(WAIT)
        .withThrowableThat()
        .withCauseInstanceOf(RedisCommandExecutionException.class)
        .withMessageContaining("CROSSSLOT");
  }

  /**
   * The master holding a key is killed (SIGKILL). Commands for its slots fail while the cluster
   * fails over (those for the other masters' slots carry on), and once its replica is promoted the
   * same link reaches the key again, with what was replicated before the kill.
   */
  @Test
  void aKilledMasterIsReplacedUnderTheLink(RedisClusterServer cluster) throws Exception {
    RedisLink<String, String> link = link(cluster);
    RedisClusterAsyncCommands<String, String> redis = commands(link);
    Map<Integer, String> keys = keyPerMaster(cluster, "failover");
    List<String> all = List.copyOf(keys.values());
    for (String key : all) {
      redis.set(key, "before").get();
    }
    cluster.awaitReplicated();
    String doomed = all.get(0);
    String elsewhere = all.get(1);

    RedisClusterServer.Failover failover = cluster.killMasterOf(doomed);
    assertThat(redis.set(elsewhere, "during").get(5, TimeUnit.SECONDS)).isEqualTo("OK");
    failover.awaitPromoted();
    long promoted = System.nanoTime();

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> "before".equals(commands(link).get(doomed).get(2, TimeUnit.SECONDS)));
    long reached = System.nanoTime();
    assertThat(commands(link).set(doomed, "after").get(2, TimeUnit.SECONDS)).isEqualTo("OK");
    assertThat(commands(link).get(elsewhere).get()).isEqualTo("during");
    System.out.printf(
        "[redis cluster failover] master killed -> replica promoted: %d ms;"
            + " promoted -> the link reaches the key again: %d ms%n",
        failover.elapsed().toMillis(), TimeUnit.NANOSECONDS.toMillis(reached - promoted));
  }
}
