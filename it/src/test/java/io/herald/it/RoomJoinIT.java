package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.it.support.GoimApi;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisProcess;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Room pushes go only to the Comets that hold members of the room, and yet a push accepted after a
 * member's AUTH or JOIN reply was sent reaches that member: goim's {@code push_room} right after
 * its benchmark client connected lost 5 of 5 when Job routed by an index refreshed every second.
 * Here every join is a room's first member on its Comet, pushed to at once, hundreds of times, over
 * three Comets — each role in a process of its own.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomJoinIT {
  private static final int JOINS = 300;

  private RedisProcess redis;
  private HeraldCluster cluster;
  private List<HeraldCluster.Comet> comets;
  private GoimApi api;
  private final List<WireClient> clients = new ArrayList<>();

  @BeforeAll
  void start(KafkaBroker kafka) {
    redis = RedisProcess.start();
    cluster =
        new HeraldCluster(
            Backends.of(
                redis.uri(), kafka.bootstrapServers(), kafka.newTopic(4), kafka.newGroupId()));
    HeraldCluster.Logic logic = cluster.logic();
    comets =
        List.of(
            cluster.comet("comet-a", logic),
            cluster.comet("comet-b", logic),
            cluster.comet("comet-c", logic));
    cluster.job();
    api = new GoimApi(logic.url(""));
  }

  @AfterAll
  void stop() {
    clients.forEach(WireClient::close);
    cluster.close();
    redis.close();
  }

  @Test
  void aPushRightAfterAuthOrJoinReachesTheRoomsFirstMember() {
    List<WireClient> members = new ArrayList<>();
    for (int i = 0; i < JOINS; i++) {
      HeraldCluster.Comet comet = comets.get(i % comets.size());
      String room = "join" + i;
      WireClient member;
      if (i % 2 == 0) {
        // goim's way: the room comes with AUTH (version 1, as goim's clients speak).
        member = client(comet, ProtocolVersion.V1).auth(1_000 + i, "", "live://" + room);
      } else {
        // Herald's way: connected first, then JOIN_ROOM (op 22).
        member = client(comet, ProtocolVersion.V2).auth(1_000 + i, "", "").join("live://" + room);
      }
      assertThat(api.pushRoom("live", room, "hello " + room).get("code").asInt()).isZero();
      members.add(member);
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Integer> missed = new ArrayList<>();
              for (int i = 0; i < JOINS; i++) {
                if (!members.get(i).texts().equals(List.of("hello join" + i))) {
                  missed.add(i);
                }
              }
              assertThat(missed).as("joins whose push did not arrive (exactly once)").isEmpty();
            });
  }

  private WireClient client(HeraldCluster.Comet comet, ProtocolVersion version) {
    WireClient client = WireClient.tcp(comet.tcpPort(), version);
    clients.add(client);
    return client;
  }
}
