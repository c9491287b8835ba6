package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.comet.server.TestCertificates;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealPostgres;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file under {@code deploy/} starts its role, through the launcher ({@code herald <role>
 * --config deploy/<role>.yaml}), against a real Redis, Kafka and PostgreSQL, and the role becomes
 * ready on its health endpoint. The environment overrides only what must differ on a test machine:
 * server addresses, listen ports and host, and the paths of key files, which the test makes (a JWT
 * public key, a TLS certificate) rather than weakening the shipped files.
 */
@RealRedis
@RealKafka
@RealPostgres
class ShippedConfigsIT {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Duration READY = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<CommandRun> runs = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void stopRoles() {
    for (int i = runs.size() - 1; i >= 0; i--) {
      runs.get(i).stop();
    }
  }

  /** A shipped file no test starts is a file that may not start. */
  @Test
  void everyShippedFileIsStartedHere() throws IOException {
    List<String> files;
    try (Stream<Path> listing = Files.list(DEPLOY)) {
      files =
          listing
              .map(p -> p.getFileName().toString())
              .filter(name -> name.endsWith(".yaml"))
              .sorted()
              .toList();
    }
    assertThat(files)
        .containsExactlyInAnyOrder(
            Roles.ALL.stream().map(role -> role.name() + ".yaml").toArray(String[]::new));
  }

  @Test
  void logicStarts(RedisServer redis, KafkaBroker kafka, PostgresServer postgres) throws Exception {
    int httpPort = startLogic(redis, kafka, postgres);

    assertHealthy("logic", "http://127.0.0.1:" + httpPort + "/health");
  }

  @Test
  void cometStarts(RedisServer redis, KafkaBroker kafka, PostgresServer postgres) throws Exception {
    startLogic(redis, kafka, postgres);
    TestCertificates tls = TestCertificates.create(dir);
    int admin = FreePorts.next();
    Map<String, String> env = new HashMap<>();
    env.put("COMET_LISTEN_HOST", "127.0.0.1");
    env.put("COMET_LISTEN_TCPPORT", port());
    env.put("COMET_LISTEN_WSPORT", port());
    env.put("COMET_LISTEN_WSSPORT", port());
    env.put("COMET_LISTEN_GRPCPORT", port());
    env.put("COMET_LISTEN_ADMINPORT", Integer.toString(admin));
    env.put("COMET_LISTEN_TLS_CERTIFICATECHAIN", tls.certificateChain.toString());
    env.put("COMET_LISTEN_TLS_PRIVATEKEY", tls.privateKey.toString());
    env.put("COMET_LOGIC_TARGET", "127.0.0.1:" + logicGrpcPort);
    env.put("COMET_REGISTRY_REDIS_URI", redis.uri());
    // Not a start setting: only how long the stop after the test lets clients leave (it has none).
    env.put("COMET_DRAIN", "1s");

    launch("comet", env);

    assertHealthy("comet", "http://127.0.0.1:" + admin + "/ready");
  }

  @Test
  void jobStarts(RedisServer redis, KafkaBroker kafka) throws Exception {
    int port = FreePorts.next();
    launch(
        "job",
        Map.of(
            "JOB_SERVER_HOST", "127.0.0.1",
            "JOB_SERVER_PORT", Integer.toString(port),
            "JOB_KAFKA_BOOTSTRAPSERVERS", kafka.bootstrapServers(),
            "JOB_REGISTRY_REDIS_URI", redis.uri()));

    assertHealthy("job", "http://127.0.0.1:" + port + "/health");
  }

  @Test
  void balancerStarts(RedisServer redis) throws Exception {
    int port = FreePorts.next();
    launch(
        "balancer",
        Map.of(
            "BALANCER_SERVER_HOST", "127.0.0.1",
            "BALANCER_SERVER_PORT", Integer.toString(port),
            "BALANCER_REGISTRY_REDIS_URI", redis.uri()));

    assertHealthy("balancer", "http://127.0.0.1:" + port + "/health");
  }

  @Test
  void idgenStarts(RedisServer redis, PostgresServer postgres) throws Exception {
    int port = FreePorts.next();
    launch(
        "idgen",
        Map.of(
            "IDGEN_SERVER_HOST", "127.0.0.1",
            "IDGEN_SERVER_PORT", Integer.toString(port),
            "IDGEN_DATABASE_URL", postgres.jdbcUrl(),
            "IDGEN_DATABASE_USER", postgres.user(),
            "IDGEN_DATABASE_PASSWORD", postgres.password(),
            "IDGEN_LEASES_REDIS_URI", redis.uri()));

    assertHealthy("idgen", "http://127.0.0.1:" + port + "/health");
  }

  private int logicGrpcPort;

  /**
   * Logic from deploy/logic.yaml, with a JWT public key the test made and its IM tables in the
   * test's PostgreSQL schema; its HTTP port.
   */
  private int startLogic(RedisServer redis, KafkaBroker kafka, PostgresServer postgres)
      throws Exception {
    int httpPort = FreePorts.next();
    logicGrpcPort = FreePorts.next();
    Map<String, String> env = new HashMap<>();
    env.put("LOGIC_SERVER_HOST", "127.0.0.1");
    env.put("LOGIC_SERVER_HTTPPORT", Integer.toString(httpPort));
    env.put("LOGIC_SERVER_GRPCPORT", Integer.toString(logicGrpcPort));
    env.put("LOGIC_AUTH_JWT_PUBLICKEYPEM", jwtPublicKey().toString());
    env.put("LOGIC_STORE_REDIS_URI", redis.uri());
    env.put("LOGIC_REGISTRY_REDIS_URI", redis.uri());
    env.put("LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS", kafka.bootstrapServers());
    env.put("LOGIC_RECEIVE_KAFKA_BOOTSTRAPSERVERS", kafka.bootstrapServers());
    env.put("LOGIC_IM_DATABASE_URL", postgres.jdbcUrl());
    env.put("LOGIC_IM_DATABASE_USER", postgres.user());
    env.put("LOGIC_IM_DATABASE_PASSWORD", postgres.password());
    launch("logic", env);
    return httpPort;
  }

  /** An RSA public key in PEM, as an identity provider publishes it for RS256 tokens. */
  private Path jwtPublicKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    byte[] der = generator.generateKeyPair().getPublic().getEncoded();
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END PUBLIC KEY-----\n";
    return Files.writeString(dir.resolve("jwt-public.pem"), pem);
  }

  private void launch(String role, Map<String, String> env) {
    CommandRun run =
        CommandRun.of(env, role, "--config", DEPLOY.resolve(role + ".yaml").toString());
    runs.add(run);
    assertThat(run.exitCode())
        .as("herald %s --config deploy/%s.yaml: %s", role, role, run)
        .isZero();
    assertThat(run.started()).as("%s", run).hasSize(1);
  }

  private void assertHealthy(String role, String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(READY).build();
    await()
        .atMost(READY)
        .untilAsserted(
            () ->
                assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("%s: GET %s", role, url)
                    .isEqualTo(200));
  }

  private static String port() {
    return Integer.toString(FreePorts.next());
  }
}
