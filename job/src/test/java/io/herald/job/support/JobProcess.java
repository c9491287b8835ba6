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
 * kill it the hard way: SIGKILL, no shutdown hook, no commit.
 */
public final class JobProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private JobProcess(Process process, int port) {
    this.process = process;
    this.port = port;
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
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      process.getOutputStream().close();
      return new JobProcess(process, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code /health} answers 200: the registry has loaded and the consumer runs. */
  public JobProcess awaitHealthy() {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
            .timeout(Duration.ofSeconds(2))
            .build();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .failFast("the Job process exited", () -> !process.isAlive())
        .ignoreExceptions()
        .until(
            () -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    return this;
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

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
