package io.herald.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo page in a real browser against a running {@code herald standalone}: Debian's headless
 * {@code chromium}, driven by playwright-core from {@code src/test/js/demo-page.mjs} (installed
 * with {@code npm ci} into {@code target/browser-test/}; no browser is ever downloaded).
 *
 * <p>Two pages join the same room from the page's form, one per protocol version (the second one
 * checks CRC32C against the server); each shows an online count of at least one. A push this test
 * sends over the HTTP API appears on both, and so does a push sent from the page's own form.
 *
 * <p>A stored push sent while the tab was closed arrives when it reopens ({@code
 * src/test/js/demo-stored-push.mjs}, in a browser of its own): a tab joins with protocol 2 as a
 * chosen user and shows a stored push from its button with inbox seq 1; the tab is closed, this
 * test sends a stored push to that user with the curl line the page printed, and a new tab of the
 * same browser context (same localStorage) offers the same user and protocol, joins, and shows that
 * push with seq 2 — once, and without the first one again.
 *
 * <p>Two users chat one-to-one and in a group in the page's chat view ({@code
 * src/test/js/demo-chat.mjs}), with unread counts shown and cleared when a conversation is opened.
 *
 * <p>Needs Node 20 or later (playwright-core's minimum), npm, {@code /usr/bin/chromium} and the npm
 * registry (the first time): missing, or an older Node, they fail the test on CI ({@code CI=true})
 * and skip it elsewhere.
 */
class DemoPageIT {
  private static final Duration STEP = Duration.ofSeconds(30);
  private static final String ROOM = "4242";

  /** The user the stored-push scenario joins as (its standalone and browser are its own). */
  private static final long MID = 424_242;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The page's curl line for a stored push: {@code curl -d 'BODY' 'URL'}. */
  private static final Pattern CURL = Pattern.compile("curl -d '(.*)' '([^']+)'");

  private Standalone standalone;
  private BrowserScript browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (standalone != null) {
      standalone.stop();
    }
  }

  @Test
  void aRoomPushOverHttpAppearsOnTheDemoPage(@TempDir Path data) throws Exception {
    int httpPort = startStandalone(data);
    browser = startScript("demo-page", httpPort, Map.of());

    for (String version : List.of("v1", "v2")) {
      String joined = awaitLine("joined " + version + " online=");
      assertThat(Integer.parseInt(joined.substring(joined.indexOf('=') + 1)))
          .as("online count shown on the %s page", version)
          .isGreaterThanOrEqualTo(1);
    }

    // The page waits for this text; room pushes are best-effort and reach a Comet once Job's room
    // index lists it (refreshed every second), so the push is repeated until the page has it.
    String text = "pushed over HTTP " + System.nanoTime();
    browser.tell(text);
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(STEP)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              assertThat(pushToRoom(http, httpPort, text)).contains("\"code\":0");
              return browser.printed("received " + text);
            });

    awaitLine("form ok");
    awaitLine("done");
    browser.assertSucceeded();
  }

  @Test
  void aStoredPushSentWhileTheTabWasClosedArrivesWhenItReopens(@TempDir Path data)
      throws Exception {
    int httpPort = startStandalone(data);
    long mid = MID;
    browser = startScript("demo-stored-push", httpPort, Map.of("MID", String.valueOf(mid)));

    assertThat(awaitLine("joined mid=")).isEqualTo("joined mid=" + mid);
    // The page's curl line for a stored push to its mid, as docs/quickstart.md shows it.
    String shown = awaitLine("shown seq=1 curl=");
    Matcher curl = CURL.matcher(shown.substring("shown seq=1 curl=".length()));
    assertThat(curl.matches()).as("the page's curl line: %s", shown).isTrue();
    URI stored = URI.create(curl.group(2));
    assertThat(stored)
        .isEqualTo(
            URI.create(
                "http://127.0.0.1:"
                    + httpPort
                    + "/goim/push/mids?operation=1000&mids="
                    + mid
                    + "&store=true"));

    awaitLine("closed");
    String whileClosed = "stored while the tab was closed " + System.nanoTime();
    assertStored(post(stored, whileClosed), mid, 2);
    browser.tell(whileClosed);

    // The reopened tab offers the same user and protocol from localStorage.
    assertThat(awaitLine("reopened ")).isEqualTo("reopened mid=" + mid + " version=2");
    awaitLine("synced " + whileClosed);
    String afterwards = "stored while the tab is open " + System.nanoTime();
    assertStored(post(stored, afterwards), mid, 3);
    browser.tell(afterwards);

    String messages = awaitLine("messages ").substring("messages ".length());
    awaitLine("done");
    browser.assertSucceeded();

    // Newest first: the push to the open tab, the one sent while it was closed, nothing else — not
    // the push the closed tab had shown, no second copy, no inbox reset.
    List<String> shownOnReopen = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(messages)) {
      shownOnReopen.add(entry.get("meta").asText() + " | " + entry.get("body").asText());
    }
    assertThat(shownOnReopen)
        .as("the reopened tab's messages")
        .containsExactly(
            "op 1000 · inbox seq 3 | " + afterwards, "op 1000 · inbox seq 2 | " + whileClosed);
  }

  /**
   * The chat view ({@code src/test/js/demo-chat.mjs}): two users, each in a browser context of its
   * own, join with protocol 2. A writes to B; B's conversation list shows it as 1 unread, and
   * opening it shows the message and clears the count; B answers and A, whose conversation is open,
   * shows it without an unread count. A creates a group of both through Logic's HTTP IM API from
   * the page, each writes once, and each shows the other's message; at the end no conversation of
   * either has an unread count.
   */
  @Test
  void twoUsersChatOneToOneAndInAGroupOnTheDemoPage(@TempDir Path data) throws Exception {
    int httpPort = startStandalone(data);
    long a = 515_001;
    long b = 515_002;
    browser =
        startScript(
            "demo-chat", httpPort, Map.of("MID_A", String.valueOf(a), "MID_B", String.valueOf(b)));

    assertThat(awaitLine("joined ")).isEqualTo("joined a=" + a + " b=" + b);
    awaitLine("unread b user:" + a + "=1");
    awaitLine("cleared b user:" + a);
    awaitLine("one-to-one both ways");
    String group = awaitLine("group ").substring("group ".length());
    assertThat(group).as("the group id the page shows").matches("\\d+");
    awaitLine("unread b group:" + group + "=1");
    awaitLine("group both ways");
    String lists = awaitLine("lists ");
    awaitLine("done");
    browser.assertSucceeded();

    // Each list: the one-to-one conversation and the group, newest (the group) first, all read.
    Matcher both = Pattern.compile("lists a=(.*) b=(.*)").matcher(lists);
    assertThat(both.matches()).as(lists).isTrue();
    assertThat(listed(both.group(1))).containsExactly("group:" + group + "=0", "user:" + b + "=0");
    assertThat(listed(both.group(2))).containsExactly("group:" + group + "=0", "user:" + a + "=0");
  }

  /** A page's conversation list, [{key, unread}], as "key=unread". */
  private static List<String> listed(String json) throws IOException {
    List<String> entries = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(json)) {
      entries.add(entry.get("key").asText() + "=" + entry.get("unread").asInt());
    }
    return entries;
  }

  /** Starts {@code herald standalone} on free ports; returns its HTTP port. */
  private int startStandalone(Path data) {
    int httpPort = FreePorts.next();
    standalone = new Standalone(environment(httpPort, data), Clock.systemUTC());
    standalone.start();
    return httpPort;
  }

  /** Runs {@code src/test/js/<script>.mjs} against the demo page at {@code httpPort}. */
  private static BrowserScript startScript(String script, int httpPort, Map<String, String> env)
      throws IOException {
    Map<String, String> all = new HashMap<>(env);
    all.put("DEMO_URL", "http://127.0.0.1:" + httpPort + "/demo/");
    all.put("ROOM", "live://" + ROOM);
    return BrowserScript.start(script, all, STEP);
  }

  private static String post(URI uri, String body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body, UTF_8)).build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.ofString(UTF_8))
        .body();
  }

  /** {@code answer} is Logic's code 0 with {@code data.stored} = [{mid, epoch, seq}]. */
  private static void assertStored(String answer, long mid, long seq) throws IOException {
    JsonNode json = JSON.readTree(answer);
    assertThat(json.path("code").asInt(-1)).as(answer).isZero();
    JsonNode stored = json.path("data").path("stored");
    assertThat(stored.size()).as(answer).isEqualTo(1);
    assertThat(stored.get(0).path("mid").asLong()).as(answer).isEqualTo(mid);
    assertThat(stored.get(0).path("seq").asLong()).as(answer).isEqualTo(seq);
    assertThat(stored.get(0).path("epoch").asLong()).as(answer).isPositive();
  }

  private static Map<String, String> environment(int httpPort, Path data) {
    return Map.of(
        "LOGIC_SERVER_HTTPPORT",
        String.valueOf(httpPort),
        "LOGIC_SERVER_GRPCPORT",
        String.valueOf(FreePorts.next()),
        "COMET_LISTEN_TCPPORT",
        String.valueOf(FreePorts.next()),
        "COMET_LISTEN_WSPORT",
        String.valueOf(FreePorts.next()),
        "COMET_LISTEN_GRPCPORT",
        String.valueOf(FreePorts.next()),
        "COMET_LISTEN_ADMINPORT",
        String.valueOf(FreePorts.next()),
        "BALANCER_SERVER_PORT",
        String.valueOf(FreePorts.next()),
        "IDGEN_SERVER_PORT",
        String.valueOf(FreePorts.next()),
        "IDGEN_DATABASE_URL",
        "jdbc:h2:file:" + data.resolve("idgen").toAbsolutePath() + ";MODE=PostgreSQL",
        "LOGIC_IM_DATABASE_URL",
        "jdbc:h2:file:" + data.resolve("im").toAbsolutePath() + ";MODE=PostgreSQL");
  }

  private static String pushToRoom(HttpClient http, int port, String text)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + port
                        + "/goim/push/room?operation=1000&type=live&room="
                        + ROOM))
            .POST(HttpRequest.BodyPublishers.ofString(text, UTF_8))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString(UTF_8)).body();
  }

  /** The whole first line the script printed starting with {@code prefix}, waiting a step. */
  private String awaitLine(String prefix) {
    return prefix + browser.awaitLine(prefix);
  }
}
