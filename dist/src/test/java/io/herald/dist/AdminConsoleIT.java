package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometServer;
import io.herald.job.config.JobConfig;
import io.herald.job.server.JobServer;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.RoleConfigs;
import io.herald.testkit.cluster.RoleYaml;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin console in a real browser against real roles: Logic (sessions and the registry in a
 * real Redis, pushes into a real Kafka topic), Job consuming it, and two Comets in two regions,
 * each with a client connected, all in this JVM on free ports. Headless Debian chromium, driven by
 * playwright-core from {@code src/test/js/admin-console.mjs}: a wrong token is refused with the
 * API's reason; the right one shows both Comets under their regions with their connections; a push
 * sent from the form reaches the client of the user it names; a Comet drained from its button,
 * after the confirmation, is marked draining in its table — and really drains (the Comets take a
 * drain only with the token the console sends them, {@code admin.cometToken}).
 *
 * <p>Needs Node 20 or later, npm and {@code /usr/bin/chromium} (as {@link DemoPageIT}); missing,
 * they fail the test on CI and skip it elsewhere.
 */
@RealRedis
@RealKafka
class AdminConsoleIT {
  private static final String TOKEN = "console-it-admin-token-0123456789";
  private static final String COMET_TOKEN = "console-it-comet-token-0123456789";
  private static final Duration STEP = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long EAST_MID = 7_001;
  private static final long SOUTH_MID = 7_002;

  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  @AfterEach
  void stop() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        // keep stopping the rest
      }
    }
  }

  @Test
  void anOperatorSeesTheCometsPushesAndDrainsOneFromTheConsole(RedisServer redis, KafkaBroker kafka)
      throws Exception {
    Backends backends =
        new Backends(
            redis.uri(),
            redis.keyPrefix() + "console",
            kafka.bootstrapServers(),
            kafka.newTopic(2),
            kafka.newGroupId(),
            new Backends.Registry("10s", "300ms", "200ms"));
    int httpPort = FreePorts.next();
    int logicGrpc = FreePorts.next();
    LogicServer logic =
        new LogicServer(
            RoleConfigs.logic(backends, httpPort, logicGrpc)
                .set("admin", "{tokens: [" + TOKEN + "], cometToken: " + COMET_TOKEN + "}")
                .load(LogicConfig.class, LogicConfig.defaults(), "LOGIC"),
            Clock.systemUTC(),
            meters());
    logic.start();
    started.push(logic::stop);
    JobServer job =
        new JobServer(
            RoleConfigs.job(backends, FreePorts.next())
                .load(JobConfig.class, JobConfig.defaults(), "JOB"),
            Clock.systemUTC(),
            meters());
    job.start();
    started.push(job::stop);
    Comet east = comet(backends, "console-east-1", "cn-east", logicGrpc);
    Comet south = comet(backends, "console-south-1", "cn-south", logicGrpc);
    WireClient eastClient = client(east, EAST_MID);
    WireClient southClient = client(south, SOUTH_MID);

    // The API itself first, with the token a script would use: a push to the other region's user
    // reaches its client (repeated while Kafka learns the new topic on a loaded machine).
    String warmUp = "over the console API " + System.nanoTime();
    await()
        .atMost(STEP)
        .until(
            () ->
                consolePush(
                        httpPort,
                        "{\"target\":\"mids\",\"operation\":1000,\"mids\":[\""
                            + SOUTH_MID
                            + "\"],\"body\":\""
                            + warmUp
                            + "\"}")
                    == 200);
    southClient.await(frame -> warmUp.equals(frame.text()), STEP, warmUp);

    BrowserScript page =
        BrowserScript.start(
            "admin-console",
            Map.of(
                "CONSOLE_URL",
                "http://127.0.0.1:" + httpPort + "/herald/admin/",
                "ADMIN_TOKEN",
                TOKEN,
                "PUSH_MID",
                String.valueOf(EAST_MID),
                "DRAIN",
                "console-south-1",
                "COMETS",
                "2"),
            STEP);
    started.push(page);

    assertThat(page.awaitLine("refused "))
        .isEqualTo("The token was refused: 401: invalid bearer token");
    assertThat(rows(page.awaitLine("comets ")))
        .containsExactly("console-east-1 cn-east up 1", "console-south-1 cn-south up 1");

    String text = "from the console " + System.nanoTime();
    page.tell(text);
    assertThat(page.awaitLine("pushed ")).matches("Queued as message \\d+\\.");
    assertThat(eastClient.await(frame -> text.equals(frame.text()), STEP, text).op())
        .isEqualTo(1000);
    assertThat(page.awaitLine("refused push "))
        .isEqualTo("400: mids: empty (expected: 1 to 1000 user ids)");

    assertThat(page.awaitLine("draining "))
        .startsWith("console-south-1 is draining: 1 connections told to move");
    assertThat(rows(page.awaitLine("marked ")))
        .containsExactly("console-east-1 cn-east up 1", "console-south-1 cn-south draining 1");
    assertThat(south.server().draining()).as("the Comet itself drains").isTrue();
    assertThat(east.server().draining()).isFalse();
    page.awaitLine("done");
    page.assertSucceeded();
  }

  /** POSTs {@code json} to the console's push endpoint with the admin token; its status. */
  private static int consolePush(int httpPort, String json) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/herald/admin/api/push"))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(STEP)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The page's rows, [{server_id, region, state, connections}], as "id region state n". */
  private static List<String> rows(String json) throws Exception {
    List<String> rows = new ArrayList<>();
    for (JsonNode row : JSON.readTree(json)) {
      rows.add(
          row.get("server_id").asText()
              + " "
              + row.get("region").asText()
              + " "
              + row.get("state").asText()
              + " "
              + row.get("connections").asInt());
    }
    return rows;
  }

  /** A running Comet and its ports. */
  private record Comet(CometServer server, CometPorts ports) {}

  private Comet comet(Backends backends, String id, String region, int logicGrpc) {
    CometPorts ports = CometPorts.free();
    RoleYaml yaml =
        RoleConfigs.comet(backends, id, ports, logicGrpc)
            .set(
                "node",
                "{serverId: "
                    + id
                    + ", region: "
                    + region
                    + ", capacity: 1000, grpcAddress: '127.0.0.1:"
                    + ports.grpc()
                    + "'}")
            // Drain only with the token Logic's console sends (admin.cometToken).
            .set("admin", "{tokens: [" + COMET_TOKEN + "]}")
            // Generous on a loaded machine: a first call to Logic sets up its channel.
            .set("logic", "{target: '127.0.0.1:" + logicGrpc + "', callTimeout: 10s}");
    CometServer comet =
        new CometServer(
            yaml.load(CometConfig.class, CometConfig.defaults(), "COMET"),
            Clock.systemUTC(),
            meters());
    comet.start();
    started.push(() -> comet.stop(Duration.ofSeconds(2)));
    return new Comet(comet, ports);
  }

  /** A client of {@code comet} as {@code mid}, authenticated. */
  private WireClient client(Comet comet, long mid) {
    WireClient client = WireClient.tcp(comet.ports().tcp(), ProtocolVersion.V1);
    started.push(client);
    return client.auth(mid, "console-" + mid, "");
  }

  private static PrometheusMeterRegistry meters() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }
}
