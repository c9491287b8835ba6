package io.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Herald role in a JVM of its own, started the way an operator starts it — the launcher's
 * {@code herald <role> --config FILE}, with environment overrides — from the test JVM's classpath
 * (which must hold {@code herald-dist}). A test can then kill it outright (SIGKILL), freeze it, or
 * stop it as an operator would (SIGTERM). Its output goes to a log file the failure message quotes.
 * The JVM exits when the test JVM does ({@link OrphanGuard}).
 */
public final class HeraldProcess implements AutoCloseable {
  private static final String SCRATCH_PREFIX = "herald-role-";
  private static final String LAUNCHER = "io.herald.dist.Herald";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final ScratchDirectory directory;
  private final ChildProcess process;

  private HeraldProcess(String name, ScratchDirectory directory, ChildProcess process) {
    this.name = name;
    this.directory = directory;
    this.process = process;
  }

  /**
   * Starts {@code herald <role> --config <yaml written to a file>} with {@code env} added to the
   * environment.
   *
   * @param name for the log file and messages, e.g. {@code comet-a}
   * @param jvmOptions e.g. {@code -Xmx256m}
   */
  public static HeraldProcess start(
      String name, String role, String yaml, Map<String, String> env, List<String> jvmOptions) {
    return start(name, role, yaml, env, List.of(), jvmOptions);
  }

  /**
   * The same, the {@code java} command run through {@code commandPrefix} (e.g. {@code taskset -c
   * 0}, which runs it in its own process).
   */
  public static HeraldProcess start(
      String name,
      String role,
      String yaml,
      Map<String, String> env,
      List<String> commandPrefix,
      List<String> jvmOptions) {
    OrphanReaper.reap(SCRATCH_PREFIX);
    ScratchDirectory directory = null;
    try {
      directory = ScratchDirectory.create(SCRATCH_PREFIX + name + "-");
      Path config = directory.write(role + ".yaml", yaml);
      List<String> command = new ArrayList<>(commandPrefix);
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              OrphanGuard.class.getName(),
              LAUNCHER,
              role,
              "--config",
              config.toString()));
      ChildProcess process = ChildProcess.start(command, directory.resolve(name + ".log"), env);
      directory.recordServer(process.pid());
      return new HeraldProcess(name, directory, process);
    } catch (StartupFailure e) {
      if (directory != null) {
        directory.close();
      }
      throw new ServerUnavailableException(e.getMessage(), e);
    }
  }

  /**
   * Waits until {@code GET url} answers 200, failing with the end of the log if the process exits
   * or {@code timeout} passes.
   */
  public HeraldProcess awaitOk(String url, Duration timeout) {
    try {
      process.awaitReady(name + " answers 200 on " + url, timeout, () -> status(url) == 200);
    } catch (StartupFailure e) {
      throw new ServerUnavailableException(e.getMessage(), e);
    }
    return this;
  }

  /** The status {@code GET url} answers, or -1 if it cannot be reached. */
  public static int status(String url) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.alive();
  }

  /** The process's output so far (its log). */
  public String log() {
    try {
      return Files.readString(process.output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the JVM outright (SIGKILL): no shutdown hook, no drain, no deregistration. */
  public void kill() {
    process.kill();
  }

  /** Stops the JVM as an operator does (SIGTERM), waiting up to {@code grace} before a SIGKILL. */
  public void stop(Duration grace) {
    process.stop(grace);
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
    directory.close();
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
