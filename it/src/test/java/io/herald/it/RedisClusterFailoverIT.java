package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.it.support.GoimApi;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedisCluster;
import io.herald.testkit.RedisClusterServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Logic, a Comet and Job, each in a JVM of its own, with sessions, online reports and the registry
 * on a real Redis Cluster (three masters, three replicas, {@code mode: cluster}) and pushes through
 * a real Kafka broker. Clients hold TCP connections while the master holding some of their session
 * keys is killed (SIGKILL) and its replica takes over.
 *
 * <p>What the failover costs, and what this test holds the system to: the clients stay connected
 * (nothing in a Comet's connection depends on Redis answering); pushes to users whose sessions are
 * on the other masters are delivered during the failover; a push to users whose sessions were on
 * the killed master is, until the replica is promoted and Logic's cluster client sees it, either
 * delivered or refused with code -500 (retryable: never answered 0 and dropped); after the
 * promotion pushes reach every user again, with the sessions written before the kill (they were
 * replicated; a write acknowledged in the last instant before a master dies may not be, which is
 * Redis's asynchronous replication, and the next heartbeat renewal writes such a session again).
 */
@RealRedisCluster
@RealKafka
class RedisClusterFailoverIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int USERS_PER_GROUP = 6;

  private HeraldCluster cluster;
  private final List<WireClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(WireClient::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void clientsStayConnectedThroughAMasterFailoverAndPushesReachThemAfterIt(
      RedisClusterServer redis, KafkaBroker kafka) {
    String prefix = redis.keyPrefix() + "h";
    cluster =
        new HeraldCluster(
            Backends.of("", kafka.bootstrapServers(), kafka.newTopic(4), kafka.newGroupId())
                .withKeyPrefix(prefix)
                .withRedisCluster(redis.uri()));

    // Users whose device record and mid hash are both on the master to be killed, and users
    // with neither there.
    int doomed = redis.masterPortOf(prefix + ":key:dev-1");
    List<Long> affected = new ArrayList<>();
    List<Long> others = new ArrayList<>();
    for (long mid = 1;
        affected.size() < USERS_PER_GROUP || others.size() < USERS_PER_GROUP;
        mid++) {
      boolean key = redis.masterPortOf(prefix + ":key:dev-" + mid) == doomed;
      boolean hash = redis.masterPortOf(prefix + ":mid:" + mid) == doomed;
      if (key && hash && affected.size() < USERS_PER_GROUP) {
        affected.add(mid);
      } else if (!key && !hash && others.size() < USERS_PER_GROUP) {
        others.add(mid);
      }
    }
    List<Long> everyone = new ArrayList<>(affected);
    everyone.addAll(others);

    long begin = System.nanoTime();
    HeraldCluster.Logic logic = cluster.logic();
    HeraldCluster.Comet comet = cluster.comet("comet-a", logic);
    cluster.job();
    long rolesUp = System.nanoTime();
    List<WireClient> affectedClients = new ArrayList<>();
    List<WireClient> otherClients = new ArrayList<>();
    for (long mid : everyone) {
      WireClient client = WireClient.tcp(comet.tcpPort(), ProtocolVersion.V2);
      clients.add(client);
      client.auth(mid, "dev-" + mid, "");
      (affected.contains(mid) ? affectedClients : otherClients).add(client);
    }
    GoimApi api = new GoimApi(logic.url(""));
    assertDelivered(api.pushMids(everyone, "before"));
    awaitReceived(clients, "before");
    redis.awaitReplicated();

    RedisClusterServer.Failover failover =
        redis.killMasterOf(prefix + ":key:dev-" + affected.get(0));
    assertThat(failover.killedPort()).isEqualTo(doomed);
    JsonNode toOthers = api.pushMids(others, "during");
    JsonNode toAffected = api.pushMids(affected, "during");
    failover.awaitPromoted();
    long promoted = System.nanoTime();

    assertDelivered(toOthers);
    awaitReceived(otherClients, "during");
    int code = toAffected.get("code").asInt();
    if (code == 0) {
      assertDelivered(toAffected);
      awaitReceived(affectedClients, "during");
    } else {
      assertThat(code).as(toAffected.toString()).isEqualTo(-500);
    }

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> isDelivered(api.pushMids(affected, "after")));
    long pushable = System.nanoTime();
    assertDelivered(api.pushMids(others, "after"));
    awaitReceived(clients, "after");
    assertThat(clients).noneMatch(WireClient::isClosed);
    clients.forEach(WireClient::heartbeat);
    System.out.printf(
        "[redis cluster failover] master killed -> replica promoted: %d ms; promoted -> pushes to"
            + " its users delivered again: %d ms; a push to them during the failover answered %d"
            + " (roles started in %d ms, test %d ms)%n",
        failover.elapsed().toMillis(),
        TimeUnit.NANOSECONDS.toMillis(pushable - promoted),
        code,
        TimeUnit.NANOSECONDS.toMillis(rolesUp - begin),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
  }

  private static boolean isDelivered(JsonNode answer) {
    return answer.get("code").asInt() == 0 && answer.get("data").get("offline").isEmpty();
  }

  private static void assertDelivered(JsonNode answer) {
    assertThat(isDelivered(answer)).as(answer.toString()).isTrue();
  }

  private static void awaitReceived(List<WireClient> clients, String text) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(clients)
                    .as("clients that received " + text)
                    .allMatch(client -> client.texts().contains(text)));
  }
}
