package io.herald.bench.scenario;

import io.herald.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * nginx ({@code nginx-light}) with the nchan module ({@code libnginx-mod-nchan}) from Debian's
 * packages, configured by the bench in its own directory: one worker, loopback on a free port,
 * WebSocket subscribers on {@code /sub} and HTTP publishing ({@code POST /pub}) on one channel, no
 * access log, the error log and pid file in the run's directory.
 */
final class NchanServer implements ComparedServer {
  static final Path NGINX = Path.of("/usr/sbin/nginx");
  static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

  private final int port;
  private final ServerProcess process;
  private final HttpPublisher publisher;

  private NchanServer(int port, ServerProcess process) {
    this.port = port;
    this.process = process;
    this.publisher = new HttpPublisher(URI.create("http://127.0.0.1:" + port + "/pub"));
  }

  static NchanServer start(Path runDir, List<String> cpus, int maxConnections)
      throws IOException, InterruptedException {
    Peers.require(NGINX);
    Peers.require(MODULE);
    Path dir = Files.createDirectories(runDir.resolve("nchan"));
    int port = FreePorts.next();
    Path config = dir.resolve("nginx.conf");
    Files.writeString(config, config(dir, port, maxConnections));
    List<String> command = new ArrayList<>(cpus);
    command.addAll(
        List.of(
            NGINX.toString(),
            "-p",
            dir.toString(),
            "-c",
            config.toString(),
            "-e",
            dir.resolve("error.log").toString()));
    ServerProcess process = ServerProcess.start("nginx", command, Map.of(), dir);
    try {
      process.awaitPort(port, Duration.ofSeconds(20));
    } catch (IOException | InterruptedException e) {
      process.close();
      throw e;
    }
    return new NchanServer(port, process);
  }

  /** The configuration: one worker in the foreground, everything under {@code dir}. */
  static String config(Path dir, int port, int maxConnections) {
    int connections = maxConnections + 1024;
    return String.join(
        "\n",
        "load_module " + MODULE + ";",
        "worker_processes 1;",
        "daemon off;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("error.log") + " warn;",
        "worker_rlimit_nofile " + (connections + 64) + ";",
        "events { worker_connections " + connections + "; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + dir.resolve("body") + ";",
        "  proxy_temp_path " + dir.resolve("proxy") + ";",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    location = /sub {",
        "      nchan_subscriber websocket;",
        "      nchan_channel_id bench;",
        "      nchan_subscriber_first_message newest;",
        "    }",
        "    location = /pub { nchan_publisher http; nchan_channel_id bench; }",
        "  }",
        "}",
        "");
  }

  @Override
  public String name() {
    return "nchan";
  }

  @Override
  public String auth() {
    return "none (a WebSocket upgrade on /sub subscribes)";
  }

  @Override
  public String clientTransport() {
    return "nchan";
  }

  @Override
  public List<Integer> clientPorts() {
    return List.of(port);
  }

  @Override
  public void publish(byte[] body) throws IOException, InterruptedException {
    var unused = publisher.post(body);
  }

  @Override
  public ServerProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
