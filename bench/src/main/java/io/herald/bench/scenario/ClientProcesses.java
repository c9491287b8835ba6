package io.herald.bench.scenario;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The client processes of a scenario: {@code clients} commands started from this process's own
 * classpath, process {@code k} bound to source address 127.0.0.{k+2} (one process may hold at most
 * 20,000 file descriptors, and one source address reaches one port about 28,000 times), each with
 * its share of the connections and user ids no other process uses. A process's stderr goes to
 * {@code clients-k.log} in the scenario's directory.
 */
final class ClientProcesses {
  private final Path dir;
  private final List<String> cpus;
  private final List<ClientProcess> clients = new ArrayList<>();
  private int connectionsOpened;
  private int pending;

  /**
   * @param cpus the {@code taskset} command prefix that pins the processes, or empty
   */
  ClientProcesses(Path dir, List<String> cpus) {
    this.dir = dir;
    this.cpus = List.copyOf(cpus);
  }

  /** One process to start: its index (and so its source address), connections, first user id. */
  record Launch(int index, int connections, long firstMid) {}

  /**
   * How {@code connections} more are spread over {@code processes} more processes, after {@code
   * already} processes and {@code opened} connections: evenly, the last taking the remainder.
   */
  static List<Launch> plan(int already, int opened, int connections, int processes) {
    int each = connections / processes;
    List<Launch> launches = new ArrayList<>();
    for (int k = already; k < already + processes; k++) {
      int count = k == already + processes - 1 ? connections - each * (processes - 1) : each;
      launches.add(new Launch(k, count, 1 + opened + (long) (k - already) * each));
    }
    return launches;
  }

  /**
   * Starts processes for {@code connections} more connections to {@code ports} (spread round-robin)
   * over {@code transport} ({@code tcp} or {@code ws}), without waiting; with {@code waitForGo}
   * they connect only once told {@code go}. Returns every process started so far.
   */
  List<ClientProcess> start(
      String transport,
      List<Integer> ports,
      int connections,
      int processes,
      int perSecond,
      boolean waitForGo)
      throws IOException {
    return start(transport, ports, connections, processes, perSecond, waitForGo, List.of());
  }

  /** As above, with {@code options} added to each {@code clients} command (e.g. its churn). */
  List<ClientProcess> start(
      String transport,
      List<Integer> ports,
      int connections,
      int processes,
      int perSecond,
      boolean waitForGo,
      List<String> options)
      throws IOException {
    int total = connections + connectionsOpened;
    for (Launch launch : plan(clients.size(), connectionsOpened, connections, processes)) {
      List<String> command = new ArrayList<>(cpus);
      command.addAll(javaCommand(List.of("-Xmx1g"), "io.herald.bench.Bench"));
      command.addAll(
          List.of(
              "clients",
              "--transport=" + transport,
              "--ports=" + String.join(",", ports.stream().map(String::valueOf).toList()),
              "--sources=127.0.0." + (launch.index() + 2),
              "--connections=" + launch.connections(),
              "--rate=" + Math.max(1, perSecond / processes),
              "--first-mid=" + launch.firstMid()));
      if (options.stream().noneMatch(o -> o.startsWith("--max-duration="))) {
        command.add("--max-duration=1800");
      }
      if (waitForGo) {
        command.add("--wait-for-go");
      }
      command.addAll(options);
      Process process =
          new ProcessBuilder(command)
              .redirectError(dir.resolve("clients-" + launch.index() + ".log").toFile())
              .start();
      clients.add(new ClientProcess(process));
    }
    pending = total;
    return clients;
  }

  /**
   * Waits until every connection started so far is authenticated; fails at once when one failed or
   * closed, naming {@code serverSide}'s account of the handshakes.
   */
  List<ClientProcess> awaitAuthenticated(Duration timeout, Supplier<String> serverSide)
      throws IOException, InterruptedException {
    int total = pending;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int authenticated = 0;
      int lost = 0;
      for (ClientProcess client : clients) {
        authenticated += client.authenticated();
        lost += client.lost();
      }
      if (authenticated >= total) {
        connectionsOpened = total;
        return clients;
      }
      if (lost > 0 || System.nanoTime() > deadline) {
        throw new IOException(
            authenticated
                + " of "
                + total
                + " authenticated, "
                + lost
                + " failed or closed; the Comets counted "
                + serverSide.get()
                + " (clients' reasons in "
                + dir
                + "/clients-*.log)");
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /**
   * Waits until every connection started so far is online ({@code online}: authenticated and open),
   * for clients that reconnect by themselves ({@code --reconnect}): a connection that failed comes
   * back instead of failing the wait.
   */
  List<ClientProcess> awaitOnline(Duration timeout) throws IOException, InterruptedException {
    int total = pending;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long online = 0;
      for (ClientProcess client : clients) {
        online += client.online().getOrDefault("online", 0L);
      }
      if (online >= total) {
        connectionsOpened = total;
        return clients;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            online + " of " + total + " online (clients' reasons in " + dir + "/clients-*.log)");
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** Ends every process: their connections close. */
  void endAll() {
    for (ClientProcess client : clients) {
      client.close();
    }
    clients.clear();
    connectionsOpened = 0;
  }

  private static List<String> javaCommand(List<String> jvmOptions, String main) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    // This classpath holds two logback.xml (the bench's, the launcher's): the children use the one
    // this process was told to (bench/run names the bench's: logs on stderr, stdout for clients).
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      command.add("-Dlogback.configurationFile=" + logback);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main);
    return command;
  }
}
