package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.it.support.GoimApi;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.RoleOptions;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two regions end to end, each role in a JVM of its own through the launcher, on a real Redis
 * (sessions, registry) and Kafka: a Comet registered in cn-east (Shanghai's coordinates) and one in
 * cn-north (Beijing's), one Logic and one Job behind them, and a Balancer that knows both regions
 * and maps client networks to them ({@code selection.cidrs}: 127.0.0.2 is cn-east, 127.0.0.3
 * cn-north, 10.2.0.0/16 cn-east) and believes {@code X-Forwarded-For} from 127.0.0.1 only.
 *
 * <p>Clients ask the Balancer over HTTP from their own loopback source address (a socket bound to
 * 127.0.0.2 or 127.0.0.3, so the Balancer locates them by the address it sees, as it sees a real
 * client's), by coordinates, or through a trusted proxy; each is offered its own region's Comet
 * first, connects to the first node offered (from its own address), and receives pushes by mid, by
 * room and to everyone, whichever region it is in. docs/regions.md is the same walk-through for an
 * operator, with {@code bin/herald} and curl.
 */
@RealRedis
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegionsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String EAST_ADDRESS = "127.0.0.2";
  private static final String NORTH_ADDRESS = "127.0.0.3";
  private static final String ROOM = "regions";

  private static final RoleOptions BALANCER =
      RoleOptions.yaml(
          yaml ->
              yaml.set(
                      "server",
                      yaml.get("server").replace("}", ", trustedProxies: ['127.0.0.1/32']}"))
                  .block(
                      "selection",
                      "regions:",
                      "  - {name: cn-east, latitude: 31.2, longitude: 121.5}",
                      "  - {name: cn-north, latitude: 39.9, longitude: 116.4}",
                      "cidrs:",
                      "  '" + EAST_ADDRESS + "/32': cn-east",
                      "  '" + NORTH_ADDRESS + "/32': cn-north",
                      "  '10.2.0.0/16': cn-east"));

  private HeraldCluster cluster;
  private HeraldCluster.Logic logic;
  private HeraldCluster.Role balancer;
  private final List<WireClient> clients = new ArrayList<>();

  @BeforeAll
  void start(RedisServer redis, KafkaBroker kafka) {
    cluster =
        new HeraldCluster(
            Backends.of(
                    redis.uri(), kafka.bootstrapServers(), kafka.newTopic(2), kafka.newGroupId())
                .withKeyPrefix(redis.keyPrefix() + "s"));
    logic = cluster.logic();
    cluster.job();
    balancer = cluster.balancer(BALANCER);
    cluster.comet("east-1", logic, inRegion("cn-east", 31.2, 121.5));
    cluster.comet("north-1", logic, inRegion("cn-north", 39.9, 116.4));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(nodes(ask("127.0.0.1", "", ""))).contains("east-1", "north-1"));
  }

  @AfterAll
  void stop() {
    clients.forEach(WireClient::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  private static RoleOptions inRegion(String region, double latitude, double longitude) {
    return RoleOptions.yaml(
        yaml ->
            yaml.set(
                "node",
                yaml.get("node")
                    .replace(
                        "}",
                        ", region: "
                            + region
                            + ", latitude: "
                            + latitude
                            + ", longitude: "
                            + longitude
                            + "}")));
  }

  @Test
  void eachClientIsOfferedItsOwnRegionsCometFirst() {
    JsonNode east = ask(EAST_ADDRESS, "", "");
    assertThat(east.get("located_by").asText()).isEqualTo("cidr");
    assertThat(east.get("client_region").asText()).isEqualTo("cn-east");
    assertThat(nodes(east)).containsExactly("east-1", "north-1");

    JsonNode north = ask(NORTH_ADDRESS, "", "");
    assertThat(north.get("located_by").asText()).isEqualTo("cidr");
    assertThat(north.get("client_region").asText()).isEqualTo("cn-north");
    assertThat(nodes(north)).containsExactly("north-1", "east-1");

    // 127.0.0.1 is in no CIDR entry: coordinates near Beijing place it in cn-north.
    JsonNode byCoordinates = ask("127.0.0.1", "&lat=40.0&lon=116.3", "");
    assertThat(byCoordinates.get("located_by").asText()).isEqualTo("coordinates");
    assertThat(nodes(byCoordinates)).containsExactly("north-1", "east-1");

    // A proxy on 127.0.0.1 is trusted: the client it names is in 10.2.0.0/16, cn-east.
    JsonNode forwarded = ask("127.0.0.1", "", "10.2.0.7");
    assertThat(forwarded.get("located_by").asText()).isEqualTo("cidr");
    assertThat(nodes(forwarded)).containsExactly("east-1", "north-1");

    // 127.0.0.3 is not a trusted proxy: what it forwards is ignored, its own address counts.
    assertThat(nodes(ask(NORTH_ADDRESS, "", "10.2.0.7"))).containsExactly("north-1", "east-1");
  }

  @Test
  void clientsOnTheFirstNodeOfferedGetPushesByMidRoomAndToAllInBothRegions() {
    WireClient east = connectToFirstOffered(EAST_ADDRESS, "", 1701);
    WireClient north = connectToFirstOffered(NORTH_ADDRESS, "", 1702);
    WireClient nearBeijing = connectToFirstOffered("127.0.0.1", "&lat=40.0&lon=116.3", 1703);
    List<WireClient> all = List.of(east, north, nearBeijing);

    GoimApi api = new GoimApi(logic.url(""));
    assertThat(api.pushMids(List.of(1701L, 1702L, 1703L), "by mid").get("code").asInt()).isZero();
    assertThat(api.pushRoom("live", ROOM, "to the room").get("code").asInt()).isZero();
    assertThat(api.post("/goim/push/all?operation=1000", "to all").get("code").asInt()).isZero();

    for (WireClient client : all) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(client.texts()).contains("by mid", "to the room", "to all"));
    }
    // Exactly once each; the three kinds of push travel apart, so their order may differ.
    for (WireClient client : all) {
      assertThat(client.texts()).containsExactlyInAnyOrder("by mid", "to the room", "to all");
    }
  }

  /**
   * Asks the Balancer from {@code source} which Comets to use, connects to the first one's TCP
   * address from {@code source} and authenticates as {@code mid} in the test's room.
   */
  private WireClient connectToFirstOffered(String source, String query, long mid) {
    JsonNode first = ask(source, query, "").get("nodes").get(0);
    String[] hostPort = first.get("tcp").asText().split(":", 2);
    assertThat(hostPort[0]).isEqualTo("127.0.0.1");
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(source, 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    WireClient client = WireClient.over(socket, Integer.parseInt(hostPort[1]), ProtocolVersion.V1);
    clients.add(client);
    return client.auth(mid, "", "live://" + ROOM);
  }

  private static List<String> nodes(JsonNode answer) {
    List<String> ids = new ArrayList<>();
    answer.get("nodes").forEach(node -> ids.add(node.get("server_id").asText()));
    return ids;
  }

  /**
   * {@code GET /nodes?platform=android&limit=5<query>} from a socket bound to {@code source}, with
   * {@code X-Forwarded-For: forwardedFor} unless it is empty: HTTP/1.1 by hand, since the JDK's
   * client cannot choose its source address on Java 17.
   */
  private JsonNode ask(String source, String query, String forwardedFor) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", balancer.port()), 5_000);
      socket.setSoTimeout(10_000);
      String request =
          "GET /nodes?platform=android&limit=5"
              + query
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + balancer.port()
              + "\r\nConnection: close\r\n"
              + (forwardedFor.isEmpty() ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n")
              + "\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String status = in.readLine();
      assertThat(status).as("the Balancer's answer to %s", source).startsWith("HTTP/1.1 200");
      int length = -1;
      boolean chunked = false;
      for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
        String header = line.toLowerCase(Locale.ROOT);
        if (header.startsWith("content-length:")) {
          length = Integer.parseInt(header.substring("content-length:".length()).strip());
        }
        chunked |= header.startsWith("transfer-encoding:") && header.contains("chunked");
      }
      // Read what the headers announce: the server may keep the connection open a while.
      return JSON.readTree(chunked ? unchunk(in) : read(in, length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code length} characters (the JSON is ASCII: as many bytes). */
  private static String read(BufferedReader in, int length) throws IOException {
    char[] body = new char[length];
    int at = 0;
    while (at < length) {
      int n = in.read(body, at, length - at);
      if (n < 0) {
        throw new IOException("the answer ended after " + at + " of " + length + " characters");
      }
      at += n;
    }
    return new String(body);
  }

  /** A chunked body's content. */
  private static String unchunk(BufferedReader in) throws IOException {
    StringBuilder content = new StringBuilder();
    for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
      content.append(read(in, size));
      in.readLine();
    }
    return content.toString();
  }

  private static int chunkSize(BufferedReader in) throws IOException {
    return Integer.parseInt(in.readLine().split(";", 2)[0].strip(), 16);
  }
}
