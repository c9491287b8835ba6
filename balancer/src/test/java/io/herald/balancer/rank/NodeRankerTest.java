package io.herald.balancer.rank;

import static io.herald.balancer.rank.TestNodes.SEOUL;
import static io.herald.balancer.rank.TestNodes.SHANGHAI;
import static io.herald.balancer.rank.TestNodes.TOKYO;
import static io.herald.balancer.rank.TestNodes.at;
import static io.herald.balancer.rank.TestNodes.ids;
import static io.herald.balancer.rank.TestNodes.node;
import static io.herald.balancer.rank.TestNodes.regions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeRankerTest {

  private static final int SEEDS = 10_000;

  private final NodeRanker ranker = new NodeRanker(Regions.example());

  /** Two nodes in each example region. */
  private static List<CometNode> everywhere() {
    List<CometNode> nodes = new ArrayList<>();
    for (Region region : Regions.example().all()) {
      nodes.add(node(region.name() + "-1", region.name()));
      nodes.add(node(region.name() + "-2", region.name()));
    }
    return nodes;
  }

  @Test
  void nearestRegionFirst() {
    List<CometNode> fromShanghai =
        ranker.rank(at(SHANGHAI), everywhere(), RankRequest.of("android", "203.0.113.7"));
    assertThat(regions(fromShanghai).subList(0, 2)).containsOnly("cn-east");

    List<CometNode> fromTokyo =
        ranker.rank(at(TOKYO), everywhere(), RankRequest.of("ios", "198.51.100.1"));
    assertThat(regions(fromTokyo).subList(0, 2)).containsOnly("jp");
    assertThat(regions(fromTokyo).subList(2, 4)).containsOnly("cn-east");
  }

  @Test
  void spillsOverToTheNextNearestRegionsInOrderOfDistance() {
    List<CometNode> snapshot = new ArrayList<>();
    for (Region region : Regions.example().all()) {
      snapshot.add(node(region.name() + "-1", region.name()));
    }
    // cn-east has one healthy node of three.
    snapshot.add(
        node("cn-east-2", "cn-east").toBuilder().setState(NodeState.NODE_STATE_DRAINING).build());
    snapshot.add(node("cn-east-3", "cn-east").toBuilder().setConnections(1_000).build());

    List<CometNode> ranked =
        ranker.rank(at(SHANGHAI), snapshot, new RankRequest("android", 9, "client"));

    // From Shanghai: 4, 1067, 1212, 1227, 1656, 1760, 8819, 9879, 11963 km.
    assertThat(regions(ranked))
        .containsExactly(
            "cn-east", "cn-north", "cn-south", "hk", "cn-west", "jp", "eu", "us-west", "us-east");
    assertThat(regions(ranker.rank(at(SHANGHAI), snapshot, RankRequest.of("web", "x"))))
        .containsExactly("cn-east", "cn-north", "cn-south", "hk", "cn-west");
  }

  @Test
  void firstPlacesFollowWeights() {
    List<CometNode> snapshot =
        List.of(node("w1", "jp", 1, 0), node("w2", "jp", 2, 0), node("w3", "jp", 3, 0));

    Map<String, Double> shares = firstPlaceShares(at(TOKYO), snapshot);

    assertThat(shares.get("w1")).isCloseTo(1 / 6.0, within(0.02));
    assertThat(shares.get("w2")).isCloseTo(2 / 6.0, within(0.02));
    assertThat(shares.get("w3")).isCloseTo(3 / 6.0, within(0.02));
  }

  @Test
  void emptierNodesWinMoreOften() {
    // Equal weights; headroom 0.9 against 0.4: shares 0.9/1.3 and 0.4/1.3.
    List<CometNode> snapshot = List.of(node("empty", "jp", 10, 100), node("full", "jp", 10, 600));

    Map<String, Double> shares = firstPlaceShares(at(TOKYO), snapshot);

    assertThat(shares.get("empty")).isCloseTo(0.9 / 1.3, within(0.02));
    assertThat(shares.get("full")).isCloseTo(0.4 / 1.3, within(0.02));
  }

  @Test
  void neverOffersNodesThatCannotTakeClients() {
    List<CometNode> snapshot =
        List.of(
            node("ok-1", "jp"),
            node("ok-2", "jp", 1, 999),
            node("full", "jp", 10, 1_000),
            node("over-full", "jp", 10, 1_500),
            node("weight-0", "jp", 0, 0),
            node("draining", "jp").toBuilder().setState(NodeState.NODE_STATE_DRAINING).build(),
            node("unspecified", "jp").toBuilder()
                .setState(NodeState.NODE_STATE_UNSPECIFIED)
                .build(),
            node("no-capacity", "jp").toBuilder().setCapacity(0).build(),
            node("no-address", "jp").toBuilder().clearTcpAddress().clearWsAddress().build(),
            node("", "jp"));

    for (int seed = 0; seed < 1_000; seed++) {
      List<CometNode> ranked =
          ranker.rank(at(TOKYO), snapshot, new RankRequest("android", 100, "seed-" + seed));
      assertThat(ids(ranked)).containsExactlyInAnyOrder("ok-1", "ok-2");
    }
  }

  @Test
  void tiesSpreadAcrossSeedsButEachSeedIsStable() {
    List<CometNode> snapshot = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      snapshot.add(node("comet-" + i, "cn-east", 10, 250));
    }

    Map<String, Double> shares = firstPlaceShares(at(SHANGHAI), snapshot);

    assertThat(shares).hasSize(10);
    assertThat(shares.values()).allSatisfy(share -> assertThat(share).isCloseTo(0.1, within(0.02)));

    RankRequest request = RankRequest.of("android", "10.1.2.3");
    List<CometNode> first = ranker.rank(at(SHANGHAI), snapshot, request);
    List<CometNode> reordered = new ArrayList<>(snapshot);
    Collections.shuffle(reordered, new Random(42));
    assertThat(ranker.rank(at(SHANGHAI), snapshot, request)).isEqualTo(first);
    assertThat(ranker.rank(at(SHANGHAI), reordered, request)).isEqualTo(first);
    assertThat(ranker.rank(at(SHANGHAI), snapshot, RankRequest.of("android", "10.1.2.4")))
        .isNotEqualTo(first);
  }

  @Test
  void limitDefaultsToFive() {
    List<CometNode> ranked = ranker.rank(at(SHANGHAI), everywhere(), RankRequest.of("ios", "s"));
    assertThat(ranked).hasSize(RankRequest.DEFAULT_LIMIT).hasSize(5).doesNotHaveDuplicates();
    assertThat(ranker.rank(at(SHANGHAI), everywhere(), new RankRequest("ios", 3, "s")))
        .hasSize(3)
        .isEqualTo(ranked.subList(0, 3));
    assertThat(ranker.rank(at(SHANGHAI), everywhere(), new RankRequest("ios", 100, "s")))
        .hasSize(18);
    assertThat(ranker.rank(at(SHANGHAI), List.of(), RankRequest.of("ios", "s"))).isEmpty();
  }

  @Test
  void rejectsLimitsOutOfRange() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new RankRequest("web", 0, "s"))
        .withMessage("limit: 0 (expected: 1-100)");
    assertThatIllegalArgumentException().isThrownBy(() -> new RankRequest("web", 101, "s"));
  }

  @Test
  void browsersGetOnlyWebSocketNodes() {
    List<CometNode> snapshot =
        List.of(
            node("tcp-only", "hk").toBuilder().clearWsAddress().build(),
            node("ws", "hk"),
            node("wss-only", "hk").toBuilder()
                .clearTcpAddress()
                .clearWsAddress()
                .setWssAddress("wss-only:3103")
                .build());

    assertThat(ids(ranker.rank(at(SHANGHAI), snapshot, RankRequest.of("Web", "s"))))
        .containsExactlyInAnyOrder("ws", "wss-only");
    assertThat(ids(ranker.rank(at(SHANGHAI), snapshot, RankRequest.of("android", "s"))))
        .containsExactlyInAnyOrder("tcp-only", "ws", "wss-only");
  }

  @Test
  void unconfiguredRegionsAndEmptyRegionsArePlacedByTheirOwnCoordinates() {
    List<CometNode> snapshot =
        List.of(
            node("jp-1", "jp"),
            node("cn-east-1", "cn-east"),
            node("kr-1", "kr").toBuilder().setLatitude(37.5).setLongitude(127.0).build(),
            node("lonely", "").toBuilder().setLatitude(35.1).setLongitude(129.0).build(),
            node("nowhere", "mars").toBuilder().setLatitude(Double.NaN).build(),
            // A configured region wins over the node's own coordinates.
            node("jp-2", "jp").toBuilder().setLatitude(37.6).setLongitude(127.0).build());

    List<CometNode> ranked =
        ranker.rank(at(SEOUL), snapshot, new RankRequest("android", 10, "seed"));

    // Seoul: kr ~8 km, Busan ~330 km, cn-east ~870 km, jp ~1160 km, mars unplaceable.
    assertThat(ids(ranked).subList(0, 3)).containsExactly("kr-1", "lonely", "cn-east-1");
    assertThat(ids(ranked).subList(3, 5)).containsExactlyInAnyOrder("jp-1", "jp-2");
    assertThat(ids(ranked).get(5)).isEqualTo("nowhere");
  }

  @Test
  void withoutRegionsNodesAtTheSamePointFormOneGroup() {
    NodeRanker unregioned = new NodeRanker(Regions.none());
    List<CometNode> snapshot =
        List.of(node("a", "", 1, 0), node("b", "", 1, 0), node("c", "", 1, 0));

    Map<String, Double> shares = new HashMap<>();
    for (int seed = 0; seed < 3_000; seed++) {
      String first =
          unregioned
              .rank(at(SHANGHAI), snapshot, RankRequest.of("ios", "s" + seed))
              .get(0)
              .getServerId();
      shares.merge(first, 1 / 3_000.0, Double::sum);
    }
    assertThat(shares).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void unknownLocationRanksAllNodesOnScoreAlone() {
    List<CometNode> snapshot = List.of(node("jp-1", "jp", 1, 0), node("eu-1", "eu", 1, 0));
    Map<String, Integer> firsts = new HashMap<>();
    for (int seed = 0; seed < 1_000; seed++) {
      List<CometNode> ranked =
          ranker.rank(ClientLocation.unknown(), snapshot, RankRequest.of("ios", "s" + seed));
      assertThat(ranked).hasSize(2);
      firsts.merge(ranked.get(0).getServerId(), 1, Integer::sum);
    }
    assertThat(firsts).containsOnlyKeys("jp-1", "eu-1");
  }

  @Test
  void theLatestRecordOfAServerCounts() {
    CometNode old = node("jp-1", "jp");
    CometNode draining =
        old.toBuilder().setEpoch(2).setState(NodeState.NODE_STATE_DRAINING).build();
    CometNode renewed = old.toBuilder().setLastRenewUnixMs(5).setConnections(7).build();

    assertThat(ranker.rank(at(TOKYO), List.of(old, draining), RankRequest.of("ios", "s")))
        .isEmpty();
    assertThat(ranker.rank(at(TOKYO), List.of(renewed, old), RankRequest.of("ios", "s")))
        .containsExactly(renewed);
  }

  /** Each node's share of first place over {@value #SEEDS} different seeds. */
  private Map<String, Double> firstPlaceShares(ClientLocation where, List<CometNode> snapshot) {
    Map<String, Double> shares = new HashMap<>();
    for (int seed = 0; seed < SEEDS; seed++) {
      List<CometNode> ranked = ranker.rank(where, snapshot, RankRequest.of("ios", "c" + seed));
      shares.merge(ranked.get(0).getServerId(), 1.0 / SEEDS, Double::sum);
    }
    return shares;
  }
}
