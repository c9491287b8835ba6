package io.herald.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@code src/test/js/<name>.mjs} script driving headless chromium ({@code browser.mjs}), and the
 * line protocol with it: its stdout lines read as they come, lines written to its stdin, its stderr
 * in a file shown when it fails. Needs what {@link NodeTools} checks (Node 20+, npm, Debian's
 * chromium); playwright-core is installed once into {@code target/browser-test/}.
 */
final class BrowserScript implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path stderr;
  private final Duration step;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private BrowserScript(String name, Process process, Path stderr, Duration step) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
    this.step = step;
  }

  /** Starts {@code name}.mjs with {@code env}; each step of it may take {@code step}. */
  static BrowserScript start(String name, Map<String, String> env, Duration step)
      throws IOException {
    Path node = NodeTools.requireNode(20, "playwright-core needs Node >= 20");
    Path npm = NodeTools.require("npm", "/usr/bin/npm", "apt-get install npm");
    Path chromium = NodeTools.require("chromium", "/usr/bin/chromium", "apt-get install chromium");
    Path dir = NodeTools.installBrowserTest(npm);
    Path stderr = dir.resolve(name + ".stderr.log");
    ProcessBuilder builder =
        new ProcessBuilder(node.toString(), name + ".mjs")
            .directory(dir.toFile())
            .redirectError(stderr.toFile());
    builder.environment().put("CHROMIUM", chromium.toString());
    builder.environment().put("STEP_TIMEOUT_MS", String.valueOf(step.toMillis()));
    builder.environment().putAll(env);
    BrowserScript script = new BrowserScript(name, builder.start(), stderr, step);
    Thread reader = new Thread(script::readLines, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
    return script;
  }

  /** The rest of the first line starting with {@code prefix}, waiting a step for it. */
  String awaitLine(String prefix) {
    await().atMost(step).pollInterval(Duration.ofMillis(50)).until(() -> printed(prefix));
    String line = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    return line.substring(prefix.length());
  }

  /** One line to the script's stdin. */
  void tell(String line) {
    try {
      Writer in = new OutputStreamWriter(process.getOutputStream(), UTF_8);
      in.write(line + "\n");
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits a step for the script to exit, and checks that it succeeded. */
  void assertSucceeded() throws InterruptedException {
    assertThat(process.waitFor(step.toSeconds(), TimeUnit.SECONDS)).as(output()).isTrue();
    assertThat(process.exitValue()).as(output()).isZero();
  }

  /** Whether the script printed a line starting with {@code prefix}; fails once it has exited. */
  boolean printed(String prefix) {
    if (lines.stream().anyMatch(l -> l.startsWith(prefix))) {
      return true;
    }
    assertThat(process.isAlive())
        .as("%s.mjs exited before printing '%s'\n%s", name, prefix, output())
        .isTrue();
    return false;
  }

  private void readLines() {
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("stdout: " + e);
    }
  }

  String output() {
    String err;
    try {
      err = Files.exists(stderr) ? Files.readString(stderr, UTF_8) : "";
    } catch (IOException e) {
      err = e.toString();
    }
    return "stdout:\n" + String.join("\n", lines) + "\nstderr:\n" + err;
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
