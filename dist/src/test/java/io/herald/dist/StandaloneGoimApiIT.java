package io.herald.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * goim's HTTP API as {@code herald standalone} answers it to goim's own tools, on free ports: the
 * node list advertises the ports the Comet listens on (and none for WSS, which is off), instances
 * come in goim's discovery shape, and push answers carry the message id as a decimal string.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneGoimApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final int http = FreePorts.next();
  private final int tcp = FreePorts.next();
  private final int ws = FreePorts.next();
  private final HttpClient client = HttpClient.newHttpClient();
  private Standalone standalone;

  @BeforeAll
  void start(@TempDir Path dir) {
    Map<String, String> env =
        Map.of(
            "LOGIC_SERVER_HTTPPORT", String.valueOf(http),
            "LOGIC_SERVER_GRPCPORT", String.valueOf(FreePorts.next()),
            "COMET_LISTEN_TCPPORT", String.valueOf(tcp),
            "COMET_LISTEN_WSPORT", String.valueOf(ws),
            "COMET_LISTEN_GRPCPORT", String.valueOf(FreePorts.next()),
            "COMET_LISTEN_ADMINPORT", String.valueOf(FreePorts.next()),
            "BALANCER_SERVER_PORT", String.valueOf(FreePorts.next()),
            "IDGEN_SERVER_PORT", String.valueOf(FreePorts.next()),
            "IDGEN_DATABASE_URL",
                "jdbc:h2:file:" + dir.resolve("idgen").toAbsolutePath() + ";MODE=PostgreSQL",
            "LOGIC_IM_DATABASE_URL",
                "jdbc:h2:file:" + dir.resolve("im").toAbsolutePath() + ";MODE=PostgreSQL");
    standalone = new Standalone(env, Clock.systemUTC());
    standalone.start();
  }

  @AfterAll
  void stop() {
    if (standalone != null) {
      standalone.stop();
    }
  }

  @Test
  void theNodeListAdvertisesTheCometsPortsAndNoneForTheWssItDoesNotServe() throws Exception {
    for (String platform : new String[] {"web", "android"}) {
      JsonNode data =
          await()
              .atMost(WAIT)
              .until(
                  () -> get("/goim/nodes/weighted?platform=" + platform).get("data"),
                  weighted -> weighted.get("nodes").size() == 1);
      assertThat(data.get("nodes").get(0).asText()).isEqualTo("127.0.0.1");
      assertThat(data.get("tcp_port").asInt()).as(platform).isEqualTo(tcp);
      assertThat(data.get("ws_port").asInt()).as(platform).isEqualTo(ws);
      assertThat(data.get("wss_port").asInt())
          .as("%s: WSS is off in standalone", platform)
          .isZero();
    }
  }

  @Test
  void instancesComeInGoimsDiscoveryShape() throws Exception {
    JsonNode instances = get("/goim/nodes/instances").get("data");
    assertThat(instances).hasSize(1);
    JsonNode comet = instances.get(0);
    assertThat(comet.get("hostname").asText()).isEqualTo("standalone");
    assertThat(comet.get("appid").asText()).isEqualTo("goim.comet");
    assertThat(comet.get("metadata").get("addrs").asText()).isEqualTo("127.0.0.1");
    assertThat(comet.get("metadata").get("offline").asText()).isEqualTo("false");
    assertThat(comet.get("latest_timestamp").asLong()).isPositive();
  }

  @Test
  void aPushAnswersItsMessageIdAsADecimalString() throws Exception {
    HttpResponse<String> answer =
        client.send(
            HttpRequest.newBuilder(uri("/goim/push/room?operation=1000&type=live&room=1000"))
                .timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString("hello", UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString(UTF_8));
    JsonNode json = JSON.readTree(answer.body());
    assertThat(json.get("code").asInt()).as(answer.body()).isZero();
    assertThat(json.get("data").get("message_id").isTextual()).as(answer.body()).isTrue();
    assertThat(Long.parseLong(json.get("data").get("message_id").asText())).isPositive();
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> answer =
        client.send(
            HttpRequest.newBuilder(uri(path)).timeout(WAIT).build(),
            HttpResponse.BodyHandlers.ofString(UTF_8));
    assertThat(answer.statusCode()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + http + path);
  }
}
