package io.herald.registry;

import static io.herald.registry.Nodes.draining;
import static io.herald.registry.Nodes.ids;
import static io.herald.registry.Nodes.up;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@RealRedis
class RedisRegistryIT {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration SHORT_TTL = Duration.ofSeconds(1);

  private final List<Registry> registries = new ArrayList<>();
  private final List<NodeRenewal> renewals = new ArrayList<>();

  @AfterEach
  void stopAll() {
    renewals.forEach(renewal -> renewal.stop().join());
    registries.forEach(Registry::stop);
  }

  @Test
  void twoRegisteredNodesAppearInAnotherReader(RedisServer redis) {
    RedisRegistry writer = started(redis.uri(), redis, TTL);
    RedisRegistry reader = started(redis.uri(), redis, TTL);

    writer.register(up("comet-b")).join();
    writer.register(up("comet-a")).join();

    withinAPoll()
        .until(() -> ids(reader.nodes()), ids -> ids.equals(List.of("comet-a", "comet-b")));
    assertThat(reader.node("comet-a")).map(CometNode::getTcpAddress).hasValue("comet-a:3101");
  }

  @Test
  void aNodeThatStopsRenewingDisappearsWithinItsTtl(RedisServer redis) {
    RedisRegistry writer = started(redis.uri(), redis, SHORT_TTL);
    RedisRegistry reader = started(redis.uri(), redis, SHORT_TTL);
    renewing(writer, up("comet-alive"), Duration.ofMillis(200));
    writer.register(up("comet-silent")).join();
    long registeredAt = System.nanoTime();
    withinAPoll().until(() -> reader.nodes().size() == 2);

    await()
        .atMost(SHORT_TTL.plus(Duration.ofSeconds(2)))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> ids(reader.nodes()), ids -> ids.equals(List.of("comet-alive")));

    assertThat(Duration.ofNanos(System.nanoTime() - registeredAt))
        .isGreaterThanOrEqualTo(SHORT_TTL.minusMillis(100));
    withinAPoll()
        .until(() -> indexMembers(redis), members -> members.equals(List.of("comet-alive")));
  }

  @Test
  void aDrainingNodeIsStillListedForReaders(RedisServer redis) {
    RedisRegistry writer = started(redis.uri(), redis, TTL);
    RedisRegistry reader = started(redis.uri(), redis, TTL);
    List<List<NodeState>> heard = new CopyOnWriteArrayList<>();
    reader.addListener(nodes -> heard.add(nodes.stream().map(CometNode::getState).toList()));
    writer.register(up("comet-a")).join();
    withinAPoll().until(() -> reader.node("comet-a").isPresent());

    writer.register(draining("comet-a")).join();

    withinAPoll()
        .until(
            () -> reader.node("comet-a").map(CometNode::getState),
            state -> state.equals(java.util.Optional.of(NodeState.NODE_STATE_DRAINING)));
    assertThat(ids(reader.nodes())).containsExactly("comet-a");
    assertThat(heard)
        .containsExactly(
            List.of(), List.of(NodeState.NODE_STATE_UP), List.of(NodeState.NODE_STATE_DRAINING));
  }

  @Test
  void deregisterRemovesTheNodeAtTheNextPoll(RedisServer redis) {
    RedisRegistry writer = started(redis.uri(), redis, TTL);
    RedisRegistry reader = started(redis.uri(), redis, TTL);
    writer.register(up("comet-a")).join();
    writer.register(up("comet-b")).join();
    withinAPoll().until(() -> reader.nodes().size() == 2);

    writer.deregister("comet-a").join();

    withinAPoll().until(() -> ids(reader.nodes()), ids -> ids.equals(List.of("comet-b")));
    assertThat(indexMembers(redis)).containsExactly("comet-b");
  }

  @Test
  void theRecordRoundTripsEveryField(RedisServer redis) {
    Instant now = Instant.parse("2025-03-01T08:00:00.123Z");
    RedisRegistry writer = started(redis, TTL, Clock.fixed(now, ZoneOffset.UTC));
    RedisRegistry reader = started(redis.uri(), redis, TTL);
    CometNode node = Nodes.full("comet-full");

    writer.register(node).join();

    CometNode expected = node.toBuilder().setLastRenewUnixMs(now.toEpochMilli()).build();
    withinAPoll().until(() -> reader.node("comet-full").isPresent());
    assertThat(reader.node("comet-full")).hasValue(expected);
  }

  @Test
  void aReaderStartedAfterTheWritersSeesThemOnItsFirstPoll(RedisServer redis) throws Exception {
    RedisRegistry writer = started(redis.uri(), redis, TTL);
    writer.register(up("comet-a")).join();
    writer.register(draining("comet-b")).join();

    RedisRegistry reader = started(redis.uri(), redis, TTL);
    reader.ready().get(5, TimeUnit.SECONDS);

    assertThat(ids(reader.nodes())).containsExactly("comet-a", "comet-b");
  }

  @Test
  void anOutageKeepsTheLastSnapshotAndTheViewRecovers(RedisServer redis) throws IOException {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RedisRegistry writer = started(redis.uri(), redis, TTL);
    try (TcpRelay relay = new TcpRelay(redis.host(), redis.port()).open()) {
      RedisRegistry reader = started(redis, relay.uri(), meters);
      writer.register(up("comet-a")).join();
      withinAPoll().until(() -> reader.nodes().size() == 1);

      relay.cut();
      writer.register(up("comet-b")).join();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  meters.get("herald.registry.polls").tag("result", "error").counter().count()
                      >= 3);
      assertThat(ids(reader.nodes())).containsExactly("comet-a");

      relay.open();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> ids(reader.nodes()), ids -> ids.equals(List.of("comet-a", "comet-b")));
    }
  }

  @Test
  void writesNeedARunningRegistry(RedisServer redis) {
    RedisRegistry registry =
        new RedisRegistry(
            config(redis.uri(), redis), TTL, POLL, Clock.systemUTC(), new SimpleMeterRegistry());
    assertThatThrownBy(() -> registry.register(up("comet-a")).join())
        .hasRootCauseMessage("registry not started");
    registry.start();
    registry.start();
    registry.stop();
    registry.stop();
    assertThatThrownBy(() -> registry.deregister("comet-a").join())
        .hasRootCauseMessage("registry stopped");
  }

  private RedisRegistry started(String uri, RedisServer redis, Duration ttl) {
    return start(
        new RedisRegistry(
            config(uri, redis), ttl, POLL, Clock.systemUTC(), new SimpleMeterRegistry()));
  }

  private RedisRegistry started(RedisServer redis, Duration ttl, Clock clock) {
    return start(
        new RedisRegistry(config(redis.uri(), redis), ttl, POLL, clock, new SimpleMeterRegistry()));
  }

  private RedisRegistry started(RedisServer redis, String uri, SimpleMeterRegistry meters) {
    return start(new RedisRegistry(config(uri, redis), TTL, POLL, Clock.systemUTC(), meters));
  }

  private RedisRegistry start(RedisRegistry registry) {
    registries.add(registry);
    registry.start();
    return registry;
  }

  private void renewing(RegistryWriter writer, CometNode node, Duration interval) {
    NodeRenewal renewal = new NodeRenewal(writer, () -> node, interval, new SimpleMeterRegistry());
    renewals.add(renewal);
    renewal.start();
  }

  private static RedisEndpoint config(String uri, RedisServer redis) {
    return new RedisEndpoint(uri, redis.keyPrefix(), Duration.ofSeconds(1));
  }

  private static ConditionFactory withinAPoll() {
    // A poll every 100 ms; the bound leaves room for a slow CI machine.
    return await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10));
  }

  private static List<String> indexMembers(RedisServer redis) {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return connection.sync().smembers(new RedisKeys(redis.keyPrefix()).index()).stream()
          .sorted()
          .toList();
    } finally {
      client.shutdown();
    }
  }
}
