package io.herald.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.client.ClientState;
import io.herald.client.ConnectionInfo;
import io.herald.client.HeartbeatPolicy;
import io.herald.client.HeraldClient;
import io.herald.client.Message;
import io.herald.client.ReconnectPolicy;
import io.herald.client.Transport;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SDK against real servers on real ports: a real Logic, real Comets, a real Balancer. Clients
 * of both transports and both protocol versions authenticate, receive room pushes (op-9 batches
 * split), get replies to upstream messages, keep their heartbeat, and move to another Comet when
 * theirs drains (op 21) or dies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientIT {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(
          Duration.ofMillis(100), 2.0, 1.0, Duration.ofSeconds(1), 5, Duration.ofSeconds(30));

  private Servers servers;
  private Servers.Comet comet;

  @BeforeAll
  void start() {
    servers = new Servers();
    comet = servers.comet("client-it-main");
  }

  @AfterAll
  void stop() {
    servers.close();
  }

  private static String room() {
    return "live://client-it-" + IDS.incrementAndGet();
  }

  private static HeraldClient.Builder client(Transport transport, ProtocolVersion version) {
    return HeraldClient.builder()
        .transport(transport)
        .protocolVersion(version)
        .mid(1000 + IDS.incrementAndGet())
        .platform(transport == Transport.WEBSOCKET ? "web" : "android")
        .reconnect(FAST)
        .connectTimeout(Duration.ofSeconds(5));
  }

  private String address(Servers.Comet c, Transport transport) {
    return transport == Transport.TCP ? c.tcp() : c.ws();
  }

  @ParameterizedTest(name = "{0} v{1}")
  @CsvSource({"TCP, V1", "TCP, V2", "WEBSOCKET, V1", "WEBSOCKET, V2"})
  void connectsReceivesRoomBatchesAndGetsRepliesToUpstreamMessages(
      Transport transport, ProtocolVersion version) throws Exception {
    String room = room();
    String other = room();
    Recorder events = new Recorder();
    try (HeraldClient client =
        client(transport, version)
            .nodes(address(comet, transport))
            .room(room)
            .listener(events)
            .build()) {
      ConnectionInfo info = client.start().get(10, TimeUnit.SECONDS);
      assertThat(info.node()).isEqualTo(address(comet, transport));
      assertThat(info.version()).isEqualTo(version);
      if (version == ProtocolVersion.V2) {
        assertThat(info.key()).as("version 2 tells the assigned key").isNotEmpty();
      }

      // Three frames in one BroadcastRoom: the Comet writes them as one op-9 batch.
      assertThat(comet.broadcastRoom(room, "one", "two", "three")).isEqualTo(1);
      await().atMost(WAIT).until(() -> events.messages.size() == 3);
      assertThat(events.texts()).containsExactly("one", "two", "three");
      assertThat(events.messages).extracting(Message::version).containsOnly(version);

      Message reply =
          client.send("hello".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
      assertThat(reply.op()).isEqualTo(Op.SEND_MSG_REPLY);
      Message second =
          client.send("again".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
      assertThat(second.seq()).as("each request has its own seq").isNotEqualTo(reply.seq());

      client.joinRoom(other).get(5, TimeUnit.SECONDS);
      assertThat(comet.broadcastRoom(other, "in the joined room")).isEqualTo(1);
      await().atMost(WAIT).until(() -> events.texts().contains("in the joined room"));
      client.leaveRoom(other).get(5, TimeUnit.SECONDS);
      assertThat(comet.broadcastRoom(other, "after leaving")).isZero();
      assertThat(events.messages).noneMatch(m -> m.op() == Op.SEND_MSG_REPLY);
    }
  }

  @Test
  void heartbeatsAreAnsweredAndTheIntervalGrowsToTheMaximum() throws Exception {
    Recorder events = new Recorder();
    HeartbeatPolicy quick =
        HeartbeatPolicy.of(
            Duration.ofMillis(200),
            Duration.ofMillis(600),
            Duration.ofMillis(200),
            Duration.ofSeconds(3));
    try (HeraldClient client =
        client(Transport.TCP, ProtocolVersion.V2)
            .nodes(comet.tcp())
            .room(room())
            .heartbeat(quick)
            .listener(events)
            .build()) {
      client.start().get(10, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> client.heartbeatInterval().equals(Duration.ofMillis(600)));
      assertThat(events.heartbeats).as("the room's online count: this client").contains(1);
      assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
      assertThat(events.disconnects).isEmpty();
    }
  }

  @Test
  void aDrainedCometSendsItsClientToTheHintedCometAndTheClientRejoinsItsRooms() throws Exception {
    Servers.Comet a = servers.comet("drain-a-" + IDS.incrementAndGet());
    Servers.Comet b = servers.comet("drain-b-" + IDS.incrementAndGet());
    URI balancer = servers.balancer(List.of(a, b));
    String room = room();
    String joined = room();
    Recorder events = new Recorder();
    try (HeraldClient client =
        client(Transport.TCP, ProtocolVersion.V2)
            .balancer(balancer)
            .room(room)
            .listener(events)
            .build()) {
      ConnectionInfo first = client.start().get(10, TimeUnit.SECONDS);
      client.joinRoom(joined).get(5, TimeUnit.SECONDS);
      Servers.Comet from = first.node().equals(a.tcp()) ? a : b;
      Servers.Comet to = from.equals(a) ? b : a;

      var unused = from.server().drain(List.of(to.address()), Duration.ofSeconds(6));

      await()
          .atMost(WAIT)
          .until(() -> client.connection().map(c -> c.node().equals(to.tcp())).orElse(false));
      assertThat(events.disconnects).containsExactly("draining (reconnecting)");
      ConnectionInfo second = client.connection().orElseThrow();
      assertThat(second.key()).as("the same device key").isEqualTo(first.key());
      // Both rooms came along: the AUTH room and the one joined later.
      await().atMost(WAIT).until(() -> to.broadcastRoom(joined, "joined after the move") == 1);
      assertThat(to.broadcastRoom(room, "after the move")).isEqualTo(1);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(events.texts()).contains("joined after the move", "after the move"));
      assertThat(client.send(new byte[] {1}).get(5, TimeUnit.SECONDS).op())
          .isEqualTo(Op.SEND_MSG_REPLY);
    }
  }

  @Test
  void aStoppedCometsClientReconnectsThroughTheBalancerList() throws Exception {
    Servers.Comet a = servers.comet("stop-a-" + IDS.incrementAndGet());
    Servers.Comet b = servers.comet("stop-b-" + IDS.incrementAndGet());
    URI balancer = servers.balancer(List.of(a, b));
    String room = room();
    Recorder events = new Recorder();
    try (HeraldClient client =
        client(Transport.WEBSOCKET, ProtocolVersion.V2)
            .balancer(balancer)
            .room(room)
            .listener(events)
            .build()) {
      ConnectionInfo first = client.start().get(10, TimeUnit.SECONDS);
      Servers.Comet dead = first.node().equals(a.ws()) ? a : b;
      Servers.Comet alive = dead.equals(a) ? b : a;
      assertThat(dead.broadcastRoom(room, "before")).isEqualTo(1);

      dead.server().stop(Duration.ofSeconds(2)); // no notice: connections just close

      await()
          .atMost(WAIT)
          .until(() -> client.connection().map(c -> c.node().equals(alive.ws())).orElse(false));
      assertThat(events.disconnects).hasSize(1).allMatch(d -> d.endsWith("(reconnecting)"));
      await().atMost(WAIT).until(() -> alive.broadcastRoom(room, "after") == 1);
      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(events.texts()).containsExactly("before", "after"));
      assertThat(events.connections).hasSize(2);
    }
  }
}
