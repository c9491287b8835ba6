package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser client's unit tests ({@code clients/js/test/}, Node's built-in test runner, no
 * npm packages) as part of the Maven build, so CI runs them: frame encoding and decoding, op-9
 * batches, CRC32C vectors, the protocol document's byte examples, and the client's auth, heartbeat,
 * request and reconnect logic against a fake WebSocket.
 */
class ClientJsTest {
  private static final Path CLIENT = Path.of("..", "clients", "js");
  private static final Pattern COUNT = Pattern.compile("(?m)^# (tests|pass|fail) (\\d+)$");

  @Test
  void nodeUnitTestsOfTheBrowserClientPass() throws Exception {
    assertThat(CLIENT.resolve("herald-client.js")).exists();
    Path node = NodeTools.require("node", "/usr/bin/node", "apt-get install nodejs");

    List<String> command =
        new ArrayList<>(List.of(node.toString(), "--test", "--test-reporter=tap"));
    try (var files = Files.list(CLIENT.resolve("test"))) {
      files
          .map(p -> CLIENT.relativize(p).toString())
          .filter(name -> name.endsWith(".test.js"))
          .sorted()
          .forEach(command::add);
    }
    assertThat(command).as("test files").hasSizeGreaterThan(3);
    NodeTools.Result result = NodeTools.run(command, CLIENT, Map.of(), Duration.ofMinutes(2));

    Matcher counts = COUNT.matcher(result.output());
    int tests = -1;
    int failed = -1;
    while (counts.find()) {
      switch (counts.group(1)) {
        case "tests" -> tests = Integer.parseInt(counts.group(2));
        case "fail" -> failed = Integer.parseInt(counts.group(2));
        default -> {}
      }
    }
    assertThat(result.exitCode()).as("node --test exit code\n%s", result.output()).isZero();
    assertThat(failed).as("failed tests\n%s", result.output()).isZero();
    assertThat(tests).as("tests run by %s", command).isGreaterThanOrEqualTo(20);
  }
}
