package io.herald.dist;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.TestAbortedException;

/**
 * The programs the JavaScript tests need — {@code node}, {@code npm}, Debian's {@code chromium} —
 * and the policy when one is missing: the test fails on CI ({@code CI=true}), where {@code .ci/run}
 * installs them, and is skipped with the reason elsewhere.
 */
final class NodeTools {
  /** Where the browser test installs playwright-core (never a browser). */
  static final Path BROWSER_TEST_DIR = Path.of("target", "browser-test");

  private static final Path SOURCES = Path.of("src", "test", "js");

  private NodeTools() {}

  static boolean ci() {
    String value = System.getenv("CI");
    return value != null && (value.strip().equalsIgnoreCase("true") || value.strip().equals("1"));
  }

  /**
   * The executable {@code name} on the PATH (or {@code fallback}), else fails or skips the test.
   */
  static Path require(String name, String fallback, String install) {
    Optional<Path> found = find(name);
    if (found.isEmpty() && Files.isExecutable(Path.of(fallback))) {
      found = Optional.of(Path.of(fallback));
    }
    return found.orElseThrow(
        () -> unavailable(name + " is not installed (install it with: " + install + ")"));
  }

  /**
   * The {@code node} on the PATH (or {@code /usr/bin/node}) if it is at least version {@code
   * minMajor}; an older or unrecognised one fails the test on CI and skips it elsewhere, naming the
   * version found, rather than letting the test run on a Node it does not support.
   */
  static Path requireNode(int minMajor, String why) {
    Path node = require("node", "/usr/bin/node", "apt-get install nodejs npm");
    String version;
    try {
      Result result = run(List.of(node.toString(), "--version"), Path.of("."), Map.of(), VERSION);
      version = result.exitCode() == 0 ? result.output().strip() : "";
    } catch (IOException e) {
      version = "";
    }
    checkNodeVersion(node, version, minMajor, why, ci());
    return node;
  }

  private static final Duration VERSION = Duration.ofSeconds(30);
  private static final Pattern NODE_VERSION = Pattern.compile("v(\\d+)\\.\\d+\\.\\d+");

  /** Throws {@link #unavailable(String, boolean)} unless {@code version} is {@code minMajor}+. */
  static void checkNodeVersion(Path node, String version, int minMajor, String why, boolean ci) {
    Matcher matcher = NODE_VERSION.matcher(version);
    if (!matcher.matches()) {
      throw unavailable(
          node + " --version printed '" + version + "', not a Node version; " + why, ci);
    }
    if (Integer.parseInt(matcher.group(1)) < minMajor) {
      throw unavailable(
          "node at "
              + node
              + " is "
              + version
              + "; "
              + why
              + " (put Node "
              + minMajor
              + " or later first on the PATH)",
          ci);
    }
  }

  static RuntimeException unavailable(String message) {
    return unavailable(message, ci());
  }

  /**
   * Fails ({@link IllegalStateException}) on CI, skips ({@link TestAbortedException}) elsewhere.
   */
  static RuntimeException unavailable(String message, boolean ci) {
    if (ci) {
      return new IllegalStateException(message + " — required on CI (CI=true)");
    }
    return new TestAbortedException(
        message + " (skipped rather than failed because CI is not true)");
  }

  private static Optional<Path> find(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Installs the pinned playwright-core of {@code src/test/js/package-lock.json} into {@link
   * #BROWSER_TEST_DIR} with {@code npm ci} (skipped when that lock is already installed), and
   * copies the test scripts next to it. Returns the directory.
   */
  static Path installBrowserTest(Path npm) {
    try {
      Files.createDirectories(BROWSER_TEST_DIR);
      byte[] lock = Files.readAllBytes(SOURCES.resolve("package-lock.json"));
      Path installedLock = BROWSER_TEST_DIR.resolve("node_modules").resolve(".herald-lock.json");
      boolean current =
          Files.exists(installedLock)
              && java.util.Arrays.equals(lock, Files.readAllBytes(installedLock));
      try (var files = Files.list(SOURCES)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.copy(
              file,
              BROWSER_TEST_DIR.resolve(file.getFileName().toString()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (!current) {
        Result result =
            run(
                List.of(npm.toString(), "ci", "--no-audit", "--no-fund", "--loglevel=error"),
                BROWSER_TEST_DIR,
                Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
                Duration.ofMinutes(5));
        if (result.exitCode() != 0) {
          throw unavailable(
              "npm ci in "
                  + BROWSER_TEST_DIR
                  + " failed (is the npm registry reachable?):\n"
                  + result.output());
        }
        Files.write(installedLock, lock);
      }
      return BROWSER_TEST_DIR;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Result(int exitCode, String output) {}

  /** Runs a command to completion (stdout and stderr merged), killing it after {@code timeout}. */
  static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout)
      throws IOException {
    Path log = Files.createTempFile("herald-node-", ".log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(new ArrayList<>(command))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          return new Result(
              -1,
              String.format(
                  Locale.ROOT,
                  "timed out after %s: %s%n%s",
                  timeout,
                  command,
                  Files.readString(log, UTF_8)));
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + command, e);
      }
      return new Result(process.exitValue(), Files.readString(log, UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
