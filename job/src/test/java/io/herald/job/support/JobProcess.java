package io.herald.job.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Job in a JVM of its own ({@code JobMain config.yaml}, on this test's classpath), so a test can
 * kill it the hard way (SIGKILL: no shutdown hook, no commit) or stop it as an operator would
 * (SIGTERM).
 */
public final class JobProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final int port;
  private final long startedNanos;

  private JobProcess(Process process, int port, long startedNanos) {
    this.process = process;
    this.port = port;
    this.startedNanos = startedNanos;
  }

  /** Starts {@code JobMain config}; its output goes to {@code log} (appended). */
  public static JobProcess start(Path config, int port, Path log) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "io.herald.job.server.JobMain",
            config.toString());
    long startedNanos = System.nanoTime();
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      process.getOutputStream().close();
      return new JobProcess(process, port, startedNanos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code /health} answers 200 (ready: see {@code JobServer}). */
  public JobProcess awaitHealthy() {
    return awaitHealthy(Duration.ofSeconds(60));
  }

  /** Waits at most {@code atMost} until {@code /health} answers 200. */
  public JobProcess awaitHealthy(Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .failFast("the Job process exited", () -> !process.isAlive())
        .ignoreExceptions()
        .until(() -> get("/health").statusCode() == 200);
    return this;
  }

  /** {@code GET path} on the Job's HTTP port. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** {@link System#nanoTime()} when the process was started. */
  public long startedNanos() {
    return startedNanos;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: the process gets no chance to commit anything. Returns once it is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * SIGTERM, as an orchestrator stops a process: the shutdown hook runs (stop, commit, leave the
   * group). Returns once the process has exited.
   */
  public void terminate() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the Job process did not exit within 60 s of SIGTERM");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
