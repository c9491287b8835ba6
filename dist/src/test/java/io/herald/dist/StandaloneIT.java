package io.herald.dist;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.herald.testkit.FreePorts;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code herald standalone} as a user meets it, started through the launcher's command line: the
 * start banner (with the admin console and its token) and the trust-mode warning, every role in one
 * process, goim clients over TCP, pushes through goim's HTTP API reaching them through the
 * in-process queue and Job's dispatcher, each role's health endpoint, and every listener on
 * loopback only. On free ports, so it runs beside anything else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final int http = FreePorts.next();
  private final int tcp = FreePorts.next();
  private final int admin = FreePorts.next();
  private final int balancer = FreePorts.next();
  private final int idgen = FreePorts.next();
  private final Map<String, Integer> listeners = new LinkedHashMap<>();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private CommandRun launch;
  private Standalone standalone;

  @BeforeAll
  void start(@TempDir Path dir) {
    listeners.put("Logic HTTP", http);
    listeners.put("Logic gRPC", FreePorts.next());
    listeners.put("Comet TCP", tcp);
    listeners.put("Comet WebSocket", FreePorts.next());
    listeners.put("Comet gRPC", FreePorts.next());
    listeners.put("Comet admin", admin);
    listeners.put("Balancer", balancer);
    listeners.put("IdGen", idgen);
    Map<String, String> env =
        Map.of(
            "LOGIC_SERVER_HTTPPORT", port("Logic HTTP"),
            "LOGIC_SERVER_GRPCPORT", port("Logic gRPC"),
            "COMET_LISTEN_TCPPORT", port("Comet TCP"),
            "COMET_LISTEN_WSPORT", port("Comet WebSocket"),
            "COMET_LISTEN_GRPCPORT", port("Comet gRPC"),
            "COMET_LISTEN_ADMINPORT", port("Comet admin"),
            "BALANCER_SERVER_PORT", port("Balancer"),
            "IDGEN_SERVER_PORT", port("IdGen"),
            "IDGEN_DATABASE_URL", "jdbc:h2:file:" + dir.resolve("idgen") + ";MODE=PostgreSQL",
            "LOGIC_IM_DATABASE_URL", "jdbc:h2:file:" + dir.resolve("im") + ";MODE=PostgreSQL");
    Logger standaloneLog = (Logger) LoggerFactory.getLogger(Standalone.class);
    logged.start();
    standaloneLog.addAppender(logged);
    try {
      launch = CommandRun.of(env, "standalone");
    } finally {
      standaloneLog.detachAppender(logged);
    }
    assertThat(launch.started()).as("%s", launch).hasSize(1);
    standalone = (Standalone) launch.started().get(0);
    assertThat(launch.exitCode()).as("%s", launch).isZero();
  }

  @AfterAll
  void stop() {
    if (launch != null) {
      launch.stop();
    }
  }

  @Test
  void theBannerNamesTheDemoPageAndTrustModeIsWarnedOf() throws Exception {
    String demo = "http://127.0.0.1:" + http + "/demo/";
    assertThat(launch.out())
        .contains("Herald standalone is running.")
        .containsPattern("(?m)^  Demo page: +" + Pattern.quote(demo) + "$")
        .contains("TCP 127.0.0.1:" + tcp);
    HttpResponse<String> page =
        client.send(
            HttpRequest.newBuilder(URI.create(demo)).timeout(WAIT).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as("GET %s", demo).isEqualTo(200);
    assertThat(page.body()).contains("<title>Herald demo</title>");

    assertThat(logged.list)
        .filteredOn(event -> event.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .singleElement(as(InstanceOfAssertFactories.STRING))
        .contains("trust authentication", "any client may claim any user", "not production");
  }

  /**
   * The console is on, behind the token the banner prints: the API answers with it, refuses without
   * it, and lists the standalone Comet.
   */
  @Test
  void theBannerPrintsTheConsoleAndItsTokenWhichTheConsoleTakes() throws Exception {
    String token = standalone.adminToken();
    assertThat(launch.out())
        .containsPattern(
            "(?m)^  Console: +"
                + Pattern.quote(
                    "http://127.0.0.1:" + http + "/herald/admin/ (admin token " + token + ")")
                + "$");
    URI comets = URI.create("http://127.0.0.1:" + http + "/herald/admin/api/comets");
    HttpResponse<String> refused =
        client.send(
            HttpRequest.newBuilder(comets).timeout(WAIT).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    HttpResponse<String> listed =
        client.send(
            HttpRequest.newBuilder(comets)
                .header("Authorization", "Bearer " + token)
                .timeout(WAIT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    assertThat(listed.body())
        .contains("\"server_id\":\"" + StandaloneConfigs.COMET_SERVER_ID + "\"");
  }

  @Test
  void aGoimClientGetsRoomAndUserPushesSentOverHttp() throws Exception {
    try (WireClient goim = WireClient.tcp(tcp, ProtocolVersion.V1)) {
      goim.send(
          Op.AUTH,
          1,
          "{\"mid\":123,\"room_id\":\"live://1000\",\"platform\":\"web\",\"accepts\":[1000]}");
      assertThat(goim.await(Op.AUTH_REPLY, WAIT).seq()).isEqualTo(1);
      // Job learns the room's members from the Comet's reports; until then a push finds nobody.
      await().atMost(WAIT).until(() -> standalone.comet().buckets().room("live://1000") != null);

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(
                        post("/goim/push/room?operation=1000&type=live&room=1000", "to the room"))
                    .contains("\"code\":0");
                assertThat(goim.await(1000, Duration.ofSeconds(2)).text()).isEqualTo("to the room");
              });
      assertThat(post("/goim/push/mids?operation=1000&mids=123", "to user 123"))
          .contains("\"code\":0");
      assertThat(goim.await(1000, WAIT).text()).isEqualTo("to user 123");
      assertThat(post("/goim/push/all?operation=1000", "to everyone")).contains("\"code\":0");
      assertThat(goim.await(1000, WAIT).text()).isEqualTo("to everyone");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(get(http, "/goim/online/room?type=live&rooms=1000").body())
                      .contains("\"1000\":1"));
    }
  }

  /**
   * One user on two devices: a push to one device key reaches that connection only. Each device's
   * next push is the one sent to it, sent after the other device had its own, so a push to the
   * wrong key would have arrived first on the same connection.
   */
  @Test
  void aPushByDeviceKeyReachesThatDeviceOnly() throws Exception {
    try (WireClient phone = WireClient.tcp(tcp, ProtocolVersion.V1);
        WireClient laptop = WireClient.tcp(tcp, ProtocolVersion.V1)) {
      phone.send(Op.AUTH, 1, "{\"mid\":456,\"key\":\"phone-456\",\"accepts\":[1000]}");
      laptop.send(Op.AUTH, 1, "{\"mid\":456,\"key\":\"laptop-456\",\"accepts\":[1000]}");
      assertThat(phone.await(Op.AUTH_REPLY, WAIT).seq()).isEqualTo(1);
      assertThat(laptop.await(Op.AUTH_REPLY, WAIT).seq()).isEqualTo(1);

      assertThat(post("/goim/push/keys?operation=1000&keys=phone-456", "to the phone"))
          .contains("\"code\":0");
      assertThat(phone.await(1000, WAIT).text()).isEqualTo("to the phone");
      assertThat(post("/goim/push/keys?operation=1000&keys=laptop-456", "to the laptop"))
          .contains("\"code\":0");
      assertThat(laptop.await(1000, WAIT).text()).isEqualTo("to the laptop");
      assertThat(post("/goim/push/keys?operation=1000&keys=phone-456", "to the phone again"))
          .contains("\"code\":0");
      assertThat(phone.await(1000, WAIT).text()).isEqualTo("to the phone again");
    }
  }

  @Test
  void everyRoleAnswersItsHealthEndpoint() throws Exception {
    assertThat(get(http, "/health").statusCode()).isEqualTo(200);
    assertThat(get(admin, "/ready").statusCode()).isEqualTo(200);
    assertThat(get(balancer, "/nodes").body()).contains("\"server_id\":\"standalone\"");
    HttpResponse<String> id = get(idgen, "/ids/message");
    assertThat(id.statusCode()).isEqualTo(200);
    assertThat(get(http, "/metrics").body()).contains("herald_comet_connections");
  }

  @Test
  void thePushApiNeedsNoToken() throws Exception {
    HttpResponse<String> push = postResponse("/goim/push/mids?operation=1000&mids=999", "x");
    assertThat(push.statusCode()).as(push.body()).isEqualTo(200);
    assertThat(push.body()).contains("\"code\":0");
    HttpResponse<String> bad = postResponse("/goim/push/room?operation=1000&type=live", "x");
    assertThat(bad.body()).as("a bad request is answered as documented").contains("\"code\":-400");
  }

  /**
   * Each listener accepts on 127.0.0.1 and refuses on 127.0.0.2 (which a wildcard bind would
   * accept, so the check needs no network interface) and on this machine's other addresses.
   */
  @Test
  void everyListenerIsOnLoopbackOnly() throws Exception {
    List<InetAddress> others = new ArrayList<>(nonLoopbackAddresses());
    others.add(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}));
    listeners.forEach(
        (name, port) -> {
          assertThat(accepts(InetAddress.getLoopbackAddress(), port))
              .as("%s on 127.0.0.1:%d", name, port)
              .isTrue();
          for (InetAddress other : others) {
            assertThat(accepts(other, port))
                .as("%s reachable on %s:%d", name, other.getHostAddress(), port)
                .isFalse();
          }
        });
  }

  private String port(String listener) {
    return Integer.toString(listeners.get(listener));
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    return NetworkInterface.networkInterfaces()
        .filter(
            nic -> {
              try {
                return nic.isUp() && !nic.isLoopback();
              } catch (IOException e) {
                return false;
              }
            })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
        .toList();
  }

  private static boolean accepts(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String post(String path, String body) throws Exception {
    return postResponse(path, body).body();
  }

  private HttpResponse<String> postResponse(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path))
            .timeout(WAIT)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
