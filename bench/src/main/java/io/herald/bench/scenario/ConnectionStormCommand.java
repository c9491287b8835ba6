package io.herald.bench.scenario;

import io.herald.bench.proc.ProcStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario 4, connection storm: every client of a Comet that died comes back at once. Client
 * processes ready their connections, then all are told to go together and connect as fast as they
 * can; the figure is connections authenticated per second into one Comet, each through Logic
 * (sessions in a real Redis by default). Logic's {@code overload.connectsInFlight} and the Comet's
 * {@code limits.maxHandshakes} are raised to the storm's size: with their defaults the excess of a
 * storm this large is refused at once (what {@code overload --steps storm} measures), and these
 * clients do not retry.
 */
@Command(
    name = "connection-storm",
    mixinStandardHelpOptions = true,
    description = "Connect+auth per second one Comet accepts when every client comes at once.")
public final class ConnectionStormCommand implements Callable<Integer> {
  @Option(names = "--connections", defaultValue = "19000")
  int connections;

  @Option(names = "--client-processes", defaultValue = "2")
  int clientProcesses;

  @Option(
      names = "--store",
      defaultValue = "redis",
      description = "Logic's session store: redis (a redis-server of its own) or memory")
  String store;

  @Option(
      names = "--warmup",
      defaultValue = "3000",
      description = "connections opened and closed before the storm (0: a cold Comet)")
  int warmup;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "connection attempts per second over all clients; 0: all at once")
  int rate;

  @Option(
      names = "--profile",
      description = "record the Comet with JFR (comet.jfr in the logs directory)")
  boolean profile;

  @Option(names = "--heap", defaultValue = "1g")
  String heap;

  @Option(names = "--comet-cpus", defaultValue = "", description = "taskset CPUs of the Comet")
  String cometCpus;

  @Option(names = "--client-cpus", defaultValue = "", description = "taskset CPUs of clients")
  String clientCpus;

  private double perSecond;

  /** Connect+auth per second the last run measured; 0 before one completed. */
  public double perSecond() {
    return perSecond;
  }

  private static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  private static long clientCpu(List<ClientProcess> clients) throws java.io.IOException {
    long total = 0;
    for (ClientProcess client : clients) {
      total += ProcStats.cpuNanos(client.pid());
    }
    return total;
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("herald-bench-storm");
    try (LocalCluster cluster = new LocalCluster(dir, cometCpus, clientCpus)) {
      if (store.equals("redis")) {
        cluster.withRedis();
      }
      // The storm measures how fast one Comet takes connections, not the bounds that refuse a
      // storm's excess (bench/run overload --steps storm does): both are raised to its size.
      String everyone = Integer.toString(Math.max(connections, warmup));
      cluster.withEnv(
          Map.of("LOGIC_OVERLOAD_CONNECTSINFLIGHT", everyone),
          Map.of("COMET_LIMITS_MAXHANDSHAKES", everyone));
      Path recording = dir.resolve("comet.jfr");
      cluster.start(
          heap,
          profile
              ? List.of("-XX:StartFlightRecording=filename=" + recording + ",settings=profile")
              : List.of());
      if (warmup > 0) {
        // The surviving Comet of a real storm has served clients: its JIT code is in place.
        cluster.connect(warmup, 1, 2000, Duration.ofMinutes(2));
        cluster.disconnectAll();
      }
      List<ClientProcess> clients =
          cluster.start(
              connections, clientProcesses, rate > 0 ? rate : Integer.MAX_VALUE / 2, true);
      for (ClientProcess client : clients) {
        client.authenticated(); // answers once the process is up: its JVM start is not timed
      }
      long cpuBefore = ProcStats.cpuNanos(cluster.cometPid());
      long logicCpuBefore = ProcStats.cpuNanos(cluster.logicPid());
      long clientCpuBefore = clientCpu(clients);
      long startedMicros = epochMicros();
      for (ClientProcess client : clients) {
        client.ask("go");
      }
      cluster.awaitAuthenticated(Duration.ofMinutes(5));
      // Timed to the last AUTH_REPLY a client saw (same machine, same clock), not to the poll that
      // noticed it: a poll every 500 ms was up to a tenth of a storm of a few seconds.
      long lastMicros = 0;
      for (ClientProcess client : clients) {
        lastMicros = Math.max(lastMicros, client.lastAuthenticatedMicros());
      }
      double seconds = (lastMicros - startedMicros) / 1e6;
      double cpu = (ProcStats.cpuNanos(cluster.cometPid()) - cpuBefore) / 1e9;
      double logicCpu = (ProcStats.cpuNanos(cluster.logicPid()) - logicCpuBefore) / 1e9;
      double clientCpu = (clientCpu(clients) - clientCpuBefore) / 1e9;
      perSecond = connections / seconds;
      System.out.printf(
          "connection-storm %s: %,d connections from %d processes, Logic sessions in %s (logs in"
              + " %s)%n",
          LocalDate.now(ZoneOffset.UTC), connections, clientProcesses, store, dir);
      System.out.printf(
          "all authenticated in %.2f s = %,.0f connect+auth per second; CPU per connection:"
              + " Comet %.0f µs, Logic %.0f µs, clients %.0f µs%n",
          seconds,
          connections / seconds,
          cpu * 1e6 / connections,
          logicCpu * 1e6 / connections,
          clientCpu * 1e6 / connections);
      if (profile) {
        ProcStats.dumpFlightRecording(cluster.cometPid(), recording);
        System.out.println("flight recording: " + recording);
      }
    }
    return 0;
  }
}
