package io.herald.dist.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.herald.testkit.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/herald-health PORT PATH}, the probe the image's compose health checks run (the image
 * carries no curl): run with bash against a real HTTP server on loopback.
 */
class HeraldHealthScriptTest {
  private static final Path SCRIPT = DeployFiles.REPO.resolve("bin/herald-health");

  private HttpServer server;
  private int port;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ready", exchange -> answer(exchange, 200));
    server.createContext("/draining", exchange -> answer(exchange, 503));
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void succeedsOnlyOnA200() throws Exception {
    assertThat(run(Integer.toString(port), "/ready")).isZero();
    assertThat(run(Integer.toString(port), "/draining")).isEqualTo(1);
  }

  @Test
  void failsWhenNothingListens() throws Exception {
    assertThat(run(Integer.toString(FreePorts.next()), "/ready")).isEqualTo(1);
  }

  @Test
  void namesItsUsageWithoutArguments() throws Exception {
    assertThat(run()).isEqualTo(2);
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status)
      throws IOException {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static int run(String... args) throws Exception {
    String[] command = new String[args.length + 2];
    command[0] = "bash";
    command[1] = SCRIPT.toString();
    System.arraycopy(args, 0, command, 2, args.length);
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }
}
