package io.herald.bench.scenario;

import io.herald.testkit.FreePorts;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code nats-server} from Debian's package on loopback and a free port, no auth; subscribers SUB
 * to one subject, and the publisher, one connection of its own, sends each message as {@code PUB}
 * followed by a {@code PING} whose {@code PONG} says the server took it (as an HTTP publisher waits
 * for its answer).
 */
final class NatsServer implements ComparedServer {
  static final Path NATS = Path.of("/usr/sbin/nats-server");
  static final String SUBJECT = "bench";

  private final int port;
  private final ServerProcess process;
  private final Socket publisher;
  private final OutputStream out;
  private final InputStream in;

  private NatsServer(int port, ServerProcess process, Socket publisher) throws IOException {
    this.port = port;
    this.process = process;
    this.publisher = publisher;
    this.out = new BufferedOutputStream(publisher.getOutputStream());
    this.in = new BufferedInputStream(publisher.getInputStream());
    out.write(
        "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"herald-bench-publisher\"}\r\n"
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  static NatsServer start(Path runDir, List<String> cpus) throws IOException, InterruptedException {
    Peers.require(NATS);
    Path dir = Files.createDirectories(runDir.resolve("nats"));
    int port = FreePorts.next();
    List<String> command = new ArrayList<>(cpus);
    command.addAll(
        List.of(
            NATS.toString(),
            "-a",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-l",
            dir.resolve("nats-server.log").toString()));
    ServerProcess process = ServerProcess.start("nats-server", command, Map.of(), dir);
    try {
      process.awaitPort(port, Duration.ofSeconds(20));
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      return new NatsServer(port, process, socket);
    } catch (IOException | InterruptedException e) {
      process.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return "nats";
  }

  @Override
  public String auth() {
    return "none (CONNECT without credentials, then SUB)";
  }

  @Override
  public String clientTransport() {
    return "nats";
  }

  @Override
  public List<Integer> clientPorts() {
    return List.of(port);
  }

  @Override
  public void publish(byte[] body) throws IOException {
    out.write(("PUB " + SUBJECT + " " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.write("\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    awaitPong();
  }

  /** Reads lines until PONG, answering the server's PINGs; fails on -ERR. */
  private void awaitPong() throws IOException {
    while (true) {
      String line = readLine();
      if (line.startsWith("PONG")) {
        return;
      }
      if (line.startsWith("PING")) {
        out.write("PONG\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } else if (line.startsWith("-ERR")) {
        throw new IOException("nats-server: " + line);
      }
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("nats-server closed the publisher's connection");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public ServerProcess process() {
    return process;
  }

  @Override
  public void close() {
    try {
      publisher.close();
    } catch (IOException e) {
      // closing anyway
    }
    process.close();
  }
}
