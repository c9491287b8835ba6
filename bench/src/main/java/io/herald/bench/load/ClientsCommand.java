package io.herald.bench.load;

import io.herald.wire.ProtocolVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One client process: a {@link ClientFleet} driven over standard input by a scenario (or a person).
 * Commands, one per line: {@code status}, {@code stats}, {@code reset}, {@code go} (with {@code
 * --wait-for-go}: start connecting), {@code churn} (start {@code --churn} and {@code
 * --slow-pause}), {@code online} (connections up now and the churn so far), {@code quit}. Replies
 * are single lines starting with the command's name in capitals. The process exits by itself after
 * {@code --max-duration}.
 */
@Command(
    name = "clients",
    mixinStandardHelpOptions = true,
    description =
        "Open client connections (TCP or WebSocket) to Comets and report what arrives (driven over"
            + " stdin).")
public final class ClientsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Comet address")
  String host;

  @Option(
      names = "--ports",
      split = ",",
      defaultValue = "3101",
      description = "Comet TCP ports, used round-robin")
  List<Integer> ports;

  @Option(
      names = "--sources",
      split = ",",
      defaultValue = "127.0.0.2",
      description = "local addresses to bind, used round-robin (each reaches a port ~28k times)")
  List<String> sources;

  @Option(names = "--connections", defaultValue = "1000")
  int connections;

  @Option(names = "--rate", defaultValue = "2000", description = "connection attempts per second")
  int rate;

  @Option(
      names = "--transport",
      defaultValue = "tcp",
      description =
          "tcp, or ws (WebSocket on --ws-path; --ports are then WebSocket ports); for the"
              + " servers Herald is compared with: nchan (nginx's nchan WebSocket subscriber on"
              + " --ws-path, each message one payload) or nats (a NATS subscriber of --subject)")
  String transport;

  @Option(names = "--subject", defaultValue = "bench", description = "the NATS subject (nats)")
  String subject;

  @Option(names = "--ws-path", defaultValue = "/sub")
  String wsPath;

  @Option(names = "--version", defaultValue = "1", description = "protocol version: 1 or 2")
  int version;

  @Option(names = "--room", defaultValue = "live://bench")
  String room;

  @Option(names = "--first-mid", defaultValue = "1")
  long firstMid;

  @Option(names = "--heartbeat", defaultValue = "60", description = "seconds between heartbeats")
  int heartbeatSeconds;

  @Option(names = "--threads", defaultValue = "1", description = "event loop threads")
  int threads;

  @Option(
      names = "--wait-for-go",
      description = "open connections only when told `go` on stdin (to time a storm)")
  boolean waitForGo;

  @Option(
      names = "--churn",
      defaultValue = "0",
      description =
          "once told `churn`: the fraction of connections ended per second (closed, reset or"
              + " abandoned to the heartbeat timeout, at random), each reconnecting")
  double churnPerSecond;

  @Option(
      names = "--slow-pause",
      defaultValue = "0",
      description =
          "once told `churn`: seconds each connection stops reading (a slow consumer) after"
              + " every --slow-read seconds of reading; 0: never")
  int slowPauseSeconds;

  @Option(
      names = "--reconnect",
      description =
          "a connection that closes or fails to connect comes back (always, once churning)")
  boolean reconnect;

  @Option(names = "--slow-read", defaultValue = "40", description = "see --slow-pause")
  int slowReadSeconds;

  @Option(
      names = "--abandon-limit",
      defaultValue = "60",
      description =
          "seconds after which an abandoned connection the Comet has not closed is reset (and"
              + " counted as abandoned_unnoticed)")
  int abandonLimitSeconds;

  @Option(
      names = "--max-duration",
      defaultValue = "600",
      description = "seconds after which the process exits whatever happens")
  int maxDurationSeconds;

  @Override
  public Integer call() throws IOException {
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    var unused =
        watchdog.schedule(() -> Runtime.getRuntime().halt(3), maxDurationSeconds, TimeUnit.SECONDS);
    PrintStream out = System.out;
    try (Fleet fleet = fleet()) {
      Thread opener = new Thread(fleet::open, "opener");
      opener.setDaemon(true);
      if (!waitForGo) {
        opener.start();
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        switch (line.trim()) {
          case "status" ->
              out.printf(
                  "STATUS connected=%d authenticated=%d failed=%d closed=%d last_auth_us=%d%n",
                  fleet.connected(),
                  fleet.authenticated(),
                  fleet.failed(),
                  fleet.closed(),
                  fleet.lastAuthenticatedMicros());
          case "stats" -> out.println(stats(fleet.stats()));
          case "go" -> {
            if (opener.getState() == Thread.State.NEW) {
              opener.start();
            }
            out.println("GO");
          }
          case "churn" -> {
            if (fleet instanceof ClientFleet clients) {
              clients.startChurn();
            }
            out.println("CHURN");
          }
          case "online" -> {
            if (fleet instanceof ClientFleet clients) {
              out.println("ONLINE online=" + clients.online() + " " + clients.churnStatus());
            } else {
              out.println("ONLINE online=" + (fleet.authenticated() - fleet.closed()));
            }
          }
          case "reset" -> {
            fleet.stats().reset();
            out.println("RESET");
          }
          case "quit" -> {
            return 0;
          }
          default -> out.println("ERROR unknown command: " + line);
        }
        out.flush();
      }
      return 0;
    } finally {
      watchdog.shutdownNow();
    }
  }

  private Fleet fleet() {
    return switch (transport) {
      case "tcp", "ws" ->
          new ClientFleet(
              new ClientFleet.Settings(
                  host,
                  ports,
                  sources,
                  connections,
                  rate,
                  version == 2 ? ProtocolVersion.V2 : ProtocolVersion.V1,
                  room,
                  firstMid,
                  Duration.ofSeconds(heartbeatSeconds),
                  threads,
                  transport.equals("ws") ? wsPath : null),
              new ClientFleet.Churn(
                  churnPerSecond,
                  Duration.ofSeconds(Math.max(1, slowReadSeconds)),
                  Duration.ofSeconds(slowPauseSeconds),
                  Duration.ofSeconds(abandonLimitSeconds),
                  reconnect));
      case "nchan", "nats" ->
          new PeerFleet(
              new PeerFleet.Settings(
                  transport.equals("nchan") ? PeerFleet.Kind.NCHAN : PeerFleet.Kind.NATS,
                  host,
                  ports,
                  sources,
                  connections,
                  rate,
                  transport.equals("nchan") ? wsPath : subject,
                  threads));
      default ->
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--transport: " + transport + " (expected: tcp, ws, nchan or nats)");
    };
  }

  /** {@code STATS delivered gaps reordered <latency histogram, compressed, base64>}. */
  static String stats(DeliveryStats stats) {
    Histogram latency = stats.latency();
    ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
    int length = latency.encodeIntoCompressedByteBuffer(buffer);
    byte[] bytes = new byte[length];
    buffer.flip();
    buffer.get(bytes);
    return "STATS "
        + stats.delivered()
        + " "
        + stats.gaps()
        + " "
        + stats.reordered()
        + " "
        + Base64.getEncoder().encodeToString(bytes);
  }
}
