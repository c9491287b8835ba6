package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.comet.config.CometConfig;
import io.herald.comet.grpc.CometStoppingException;
import io.herald.comet.grpc.DrainStatus;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.RoomsRequest;
import io.herald.proto.comet.v1.RoomsResponse;
import io.herald.proto.common.v1.NodeAddress;
import io.herald.proto.registry.v1.NodeState;
import io.herald.testkit.FreePorts;
import io.herald.testkit.cluster.RoleYaml;
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole Comet on real sockets, with Logic stood in for in the process and the in-process
 * registry: its lifecycle, what its clients see, and a drain.
 */
class CometServerTest {
  private static final String AUTH =
      "{\"mid\":100,\"key\":\"\",\"room_id\":\"live://1\",\"platform\":\"web\"}";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final StandInLogic logic = new StandInLogic();
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
  private CometConfig config;
  private CometServer server;
  private ManagedChannel grpc;

  /** A Comet registering in the in-process registry. */
  private CometServer server() {
    return server(yaml -> yaml);
  }

  /** The same, with {@code change} applied to its config. */
  private CometServer server(UnaryOperator<RoleYaml> change) {
    config = TestConfigs.comet("comet-a", change);
    server =
        new CometServer(
            config, clock, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> logic);
    return server;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (grpc != null) {
      grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop(Duration.ofSeconds(2));
    }
  }

  private CometGrpc.CometBlockingStub comet() {
    if (grpc == null) {
      grpc =
          Grpc.newChannelBuilder(
                  "127.0.0.1:" + config.listen().grpcPort(), InsecureChannelCredentials.create())
              .build();
    }
    return CometGrpc.newBlockingStub(grpc).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private WireClient authenticated(ProtocolVersion version) {
    WireClient client = WireClient.tcp(config.listen().tcpPort(), version);
    client.send(Op.AUTH, 1, AUTH);
    assertThat(client.await(Op.AUTH_REPLY, WAIT).seq()).isOne();
    return client;
  }

  @Test
  void theConstructorOpensNothingAndAServerStoppedBeforeStartNeverStarts() throws Exception {
    server();
    assertThat(free(config.listen().tcpPort())).isTrue();
    assertThat(server.epoch()).isEqualTo(1_700_000_000_000L);

    server.stop(Duration.ofSeconds(1));
    server.start();

    assertThat(server.terminated()).isCompleted();
    assertThat(free(config.listen().tcpPort())).isTrue();
    assertThat(free(config.listen().grpcPort())).isTrue();
  }

  @Test
  void servesClientsAndJobThenStopsIdempotently() throws Exception {
    server().start();
    server.start();

    try (WireClient client = authenticated(ProtocolVersion.V1)) {
      await().atMost(WAIT).until(() -> server.node().getConnections() == 1);
      RoomsResponse rooms = comet().rooms(RoomsRequest.getDefaultInstance());
      assertThat(rooms.getRoomCountsMap()).containsEntry(StandInLogic.ROOM, 1);
      assertThat(rooms.getServerId()).isEqualTo("comet-a");
      assertThat(rooms.getEpoch()).isEqualTo(server.epoch());
      // Online reports reach Logic, and its cluster-wide count answers heartbeats.
      await().atMost(WAIT).until(() -> !logic.reports.isEmpty());
      await()
          .atMost(WAIT)
          .until(() -> server.buckets().room(StandInLogic.ROOM).onlineCount() == 42);
      client.send(Op.HEARTBEAT, 2, "");
      assertThat(client.await(Op.HEARTBEAT_REPLY, WAIT).bodyInt()).isEqualTo(42);
      assertThat(server.meters().scrape())
          .contains("herald_comet_connections_authenticated 1.0")
          .contains("herald_comet_connections{transport=\"tcp\"} 1.0")
          .contains("herald_comet_rooms 1.0");

      server.stop(Duration.ofSeconds(2));
      server.stop(Duration.ofSeconds(2));

      assertThat(client.closed()).succeedsWithin(WAIT);
    }
    assertThat(server.terminated()).isCompleted();
    await().atMost(WAIT).until(() -> logic.disconnected.size() == 1);
    assertThat(logic.closed).isTrue();
    assertThat(free(config.listen().tcpPort())).isTrue();
    assertThat(free(config.listen().wsPort())).isTrue();
    assertThat(free(config.listen().grpcPort())).isTrue();
    assertThat(server.node().getState()).isEqualTo(NodeState.NODE_STATE_DRAINING);
  }

  @Test
  void drainTellsEveryClientWhereToGoClosesTheRestAtTheDeadlineAndStops() throws Exception {
    server(yaml -> yaml.set("drain", "1s")).start();
    WireClient v1 = authenticated(ProtocolVersion.V1);
    WireClient v2 = authenticated(ProtocolVersion.V2);
    NodeAddress elsewhere =
        NodeAddress.newBuilder().setServerId("comet-b").setTcp("b.example:3101").build();

    DrainStatus status = server.drain(List.of(elsewhere), Duration.ofMillis(800));

    assertThat(status.connections()).isEqualTo(2);
    assertThat(status.alreadyDraining()).isFalse();
    assertThat(status.deadline()).isEqualTo(clock.instant().plusMillis(800));
    assertThat(server.draining()).isTrue();
    assertThat(server.node().getState()).isEqualTo(NodeState.NODE_STATE_DRAINING);
    // No new connections: the listener is closed.
    await().atMost(WAIT).until(() -> refused(config.listen().tcpPort()));
    // A second request keeps the first deadline.
    DrainStatus again = server.drain(List.of(), Duration.ofMinutes(5));
    assertThat(again.alreadyDraining()).isTrue();
    assertThat(again.deadline()).isEqualTo(status.deadline());

    String expected = "{\"reason\":\"draining\",\"nodes\":[\"b.example:3101\"]}";
    assertThat(v1.await(Op.RECONNECT, WAIT).text()).isEqualTo(expected);
    Received notice = v2.await(Op.RECONNECT, WAIT);
    assertThat(notice.version()).isEqualTo(ProtocolVersion.V2);
    assertThat(notice.text()).isEqualTo(expected);
    // Neither client leaves: both are closed at the deadline, and the server stops.
    assertThat(server.terminated()).succeedsWithin(WAIT);
    assertThat(v1.closed()).succeedsWithin(WAIT);
    assertThat(v2.closed()).succeedsWithin(WAIT);
    assertThat(server.meters().scrape()).contains("herald_comet_drain_reconnects_total 2.0");
    assertThatThrownBy(() -> server.drain(List.of(), Duration.ofSeconds(1)))
        .isInstanceOf(CometStoppingException.class);
    v1.close();
    v2.close();
  }

  @Test
  void aDrainWithNoClientLeftStopsWithoutWaitingOutItsGrace() {
    server().start();

    server.drain(List.of(), Duration.ofMinutes(10));

    assertThat(server.terminated()).succeedsWithin(WAIT);
    assertThat(server.node().getState()).isEqualTo(NodeState.NODE_STATE_DRAINING);
  }

  @Test
  void theShutdownHookDrainsThenStops() throws Exception {
    server().start();
    try (WireClient client = authenticated(ProtocolVersion.V2)) {
      CompletableFuture<Void> hook =
          CompletableFuture.runAsync(() -> server.drainThenStop(Duration.ofMillis(300)));

      assertThat(client.await(Op.RECONNECT, WAIT).text())
          .isEqualTo("{\"reason\":\"draining\",\"nodes\":[]}");
      assertThat(hook).succeedsWithin(WAIT);
      assertThat(server.terminated()).isCompleted();
      assertThat(client.closed()).succeedsWithin(WAIT);
    }
    // Run again (the JVM runs hooks once, but a stopped server is left alone).
    server.drainThenStop(Duration.ofMillis(300));
  }

  @Test
  void tlsListenersServeTcpOverTlsAndWebSocketOverTls() throws Exception {
    TestCertificates certificates = TestCertificates.create(dir);
    int wssPort = FreePorts.next();
    int tcpTlsPort = FreePorts.next();
    server(
            yaml ->
                yaml.put("listen", "wssPort", Integer.toString(wssPort))
                    .put("listen", "tcpTlsPort", Integer.toString(tcpTlsPort))
                    .put(
                        "listen",
                        "tls",
                        "{certificateChain: '"
                            + certificates.certificateChain
                            + "', privateKey: '"
                            + certificates.privateKey
                            + "'}"))
        .start();
    assertThat(server.node().getWssAddress()).isEqualTo("127.0.0.1:" + wssPort);
    SSLContext tls = certificates.clientContext();

    try (WireClient client =
        WireClient.over(tls.getSocketFactory().createSocket(), tcpTlsPort, ProtocolVersion.V2)) {
      client.send(Op.AUTH, 1, AUTH);
      assertThat(client.await(Op.AUTH_REPLY, WAIT).text()).contains("\"mid\":100");
    }

    try (WireClient client = WireClient.secureWebSocket(wssPort, tls, ProtocolVersion.V1)) {
      assertThat(client.auth(AUTH).op()).isEqualTo(Op.AUTH_REPLY);
    }
  }

  @Test
  void aPortInUseFailsTheStartAndStopsWhatHadStarted() throws Exception {
    server();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.listen().wsPort()));

      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot listen for ws on 127.0.0.1:" + config.listen().wsPort());
    }
    assertThat(server.terminated()).isCompleted();
    assertThat(free(config.listen().tcpPort())).isTrue();
    assertThat(free(config.listen().grpcPort())).isTrue();
    assertThat(logic.closed).isTrue();
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean refused(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void theAdminPortAnswersHealthReadinessAndMetricsAndGoesNotReadyWhileDraining() throws Exception {
    int admin = FreePorts.next();
    server(yaml -> yaml.put("listen", "adminPort", Integer.toString(admin))).start();
    HttpClient http = HttpClient.newHttpClient();

    assertThat(get(http, admin, "/health").statusCode()).isEqualTo(200);
    assertThat(get(http, admin, "/ready").statusCode()).isEqualTo(200);
    java.net.http.HttpResponse<String> metrics = get(http, admin, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("herald_comet_connections_authenticated");

    server.drain(List.of(), Duration.ofSeconds(30));

    assertThat(get(http, admin, "/ready").statusCode()).isEqualTo(503);
    assertThat(get(http, admin, "/health").statusCode()).isEqualTo(200);
    server.stop(Duration.ofSeconds(2));
    assertThat(free(admin)).isTrue();
  }

  private static java.net.http.HttpResponse<String> get(HttpClient http, int port, String path)
      throws Exception {
    return http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }
}
