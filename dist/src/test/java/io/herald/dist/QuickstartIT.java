package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.testkit.LocalKafka;
import io.herald.testkit.LocalRedis;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/quickstart.md section 3, run as a reader runs it: its shell blocks, taken from the document
 * (no copy is kept here), pasted into {@code bash} at the top of the clone, against a real Redis on
 * 127.0.0.1:6379 and a real Kafka broker on 127.0.0.1:9092 as the document says (started here when
 * nothing answers there). The start block must return at once with the roles in the background;
 * each role's health must answer; a client on each Comet must get the documented push; the stop
 * block must stop every process the start block started.
 *
 * <p>Uses the document's fixed ports: it fails, naming the port, if one is taken.
 */
class QuickstartIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DOC = ROOT.resolve("docs/quickstart.md");
  private static final Path RUN = ROOT.resolve("run");
  private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```$");
  private static final Pattern HEALTH =
      Pattern.compile("http://127\\.0\\.0\\.1:\\d+/(?:health|ready)");
  private static final List<Integer> ROLE_PORTS =
      List.of(3101, 3102, 3108, 3109, 3111, 3119, 3129, 3201, 3202, 3208, 3209);
  private static final Duration UP = Duration.ofSeconds(90);

  /** A Comet drains for its {@code drain} (30 s in deploy/comet.yaml) before it exits. */
  private static final Duration DOWN = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<ProcessHandle> roles = new ArrayList<>();
  private LocalRedis redis;
  private LocalKafka kafka;

  @BeforeEach
  void serversOnTheDocumentsPorts() throws IOException {
    for (int port : ROLE_PORTS) {
      assertThat(accepts(port))
          .as("port %d, which the quickstart's roles use, is taken on this machine", port)
          .isFalse();
    }
    if (!accepts(6379)) {
      redis = LocalRedis.startOn(6379);
    }
    if (!accepts(9092)) {
      kafka = LocalKafka.startOn(9092, "quickstart");
    }
    for (String role : List.of("logic", "comet-1", "comet-2", "job")) {
      Files.deleteIfExists(RUN.resolve(role + ".pid"));
      Files.deleteIfExists(RUN.resolve(role + ".log"));
    }
  }

  @AfterEach
  void stopWhatIsLeft() {
    for (ProcessHandle role : roles) {
      role.destroy();
    }
    for (ProcessHandle role : roles) {
      try {
        role.onExit().get(DOWN.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        role.destroyForcibly();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void sectionThreeRunsAsPasted() throws Exception {
    String section = section(Files.readString(DOC), "## 3.");
    List<String> blocks = shellBlocks(section);
    assertThat(blocks).as("the sh blocks of section 3: start, push, stop").hasSize(3);
    String start = blocks.get(0);
    String push = blocks.get(1);
    String stop = blocks.get(2);
    assertThat(start).contains("bin/herald logic", "bin/herald comet", "bin/herald job");

    Run started = bash(start, Duration.ofMinutes(2));
    assertThat(started.exitCode()).as("the start block: %s", started).isZero();
    try (Stream<Path> pids = Files.list(RUN)) {
      for (Path pid : pids.filter(p -> p.toString().endsWith(".pid")).sorted().toList()) {
        long id = Long.parseLong(Files.readString(pid).strip());
        Optional<ProcessHandle> role = ProcessHandle.of(id);
        assertThat(role).as("%s: process %d runs", pid.getFileName(), id).isPresent();
        roles.add(role.get());
      }
    }
    assertThat(roles).as("run/*.pid").hasSize(4);

    List<String> health = new ArrayList<>();
    HEALTH.matcher(section).results().forEach(m -> health.add(m.group()));
    assertThat(health).as("the health endpoints section 3 names").hasSize(4);
    for (String url : health) {
      awaitHealthy(url);
    }

    try (WireClient first = WireClient.tcp(3101, ProtocolVersion.V1);
        WireClient second = WireClient.tcp(3201, ProtocolVersion.V1)) {
      join(first, 123);
      join(second, 456);
      await()
          .atMost(UP)
          .untilAsserted(
              () -> {
                Run pushed = bash(push, Duration.ofSeconds(30));
                assertThat(pushed.output()).as("the push block: %s", pushed).contains("\"code\":0");
                // Job learns which Comets hold the room from their reports: retry until it has.
                assertThat(first.await(1000, Duration.ofSeconds(2)).text()).isEqualTo("hello");
                assertThat(second.await(1000, Duration.ofSeconds(2)).text()).isEqualTo("hello");
              });
    }

    Run stopped = bash(stop, Duration.ofSeconds(30));
    assertThat(stopped.exitCode()).as("the stop block: %s", stopped).isZero();
    for (ProcessHandle role : roles) {
      role.onExit().get(DOWN.toSeconds(), TimeUnit.SECONDS);
      assertThat(role.isAlive()).isFalse();
    }
    for (int port : ROLE_PORTS) {
      assertThat(accepts(port)).as("port %d after the stop block", port).isFalse();
    }
  }

  private static void join(WireClient client, long mid) {
    client.send(
        Op.AUTH,
        1,
        "{\"mid\":"
            + mid
            + ",\"room_id\":\"live://1000\",\"platform\":\"web\",\"accepts\":[1000]}");
    assertThat(client.await(Op.AUTH_REPLY, Duration.ofSeconds(15)).seq()).isEqualTo(1);
  }

  private void awaitHealthy(String url) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
    await()
        .atMost(UP)
        .pollInterval(Duration.ofMillis(250))
        .failFast(
            "a role exited",
            () -> {
              for (ProcessHandle role : roles) {
                assertThat(role.isAlive())
                    .as("process %d exited; logs: %s", role.pid(), logs())
                    .isTrue();
              }
            })
        .untilAsserted(
            () -> {
              int status;
              try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
              } catch (IOException e) {
                status = -1;
              }
              assertThat(status).as("GET %s", url).isEqualTo(200);
            });
  }

  /** The text of the section whose heading starts with {@code heading}, to the next heading. */
  static String section(String markdown, String heading) {
    int begin = markdown.indexOf("\n" + heading);
    assertThat(begin).as("a section %s in docs/quickstart.md", heading).isNotNegative();
    int end = markdown.indexOf("\n## ", begin + 1);
    return markdown.substring(begin, end < 0 ? markdown.length() : end);
  }

  static List<String> shellBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher m = SH_BLOCK.matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  private record Run(int exitCode, String output) {}

  /**
   * Runs {@code script} in bash at the top of the clone, as a reader's shell would, with this JVM's
   * {@code java} first on the PATH and no Herald variables of the test's own environment.
   */
  private Run bash(String script, Duration timeout) throws Exception {
    Path output = Files.createTempFile(dir, "bash", ".out");
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-c", script)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    env.keySet()
        .removeIf(
            name ->
                Stream.of("LOGIC_", "COMET_", "JOB_", "BALANCER_", "IDGEN_", "HERALD_")
                    .anyMatch(name::startsWith));
    String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
    env.put("PATH", javaBin + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the block did not return within "
              + timeout
              + ":\n"
              + script
              + "\noutput:\n"
              + Files.readString(output));
    }
    return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }

  private static String logs() {
    Map<String, String> tails = new HashMap<>();
    for (String role : List.of("logic", "comet-1", "comet-2", "job")) {
      try {
        String log = Files.readString(RUN.resolve(role + ".log"));
        tails.put(role, log.substring(Math.max(0, log.length() - 3000)));
      } catch (IOException e) {
        tails.put(role, "(no log: " + e.getMessage() + ")");
      }
    }
    return tails.toString();
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
