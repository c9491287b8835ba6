package io.herald.bench.scenario;

import io.herald.bench.load.Payload;
import io.herald.bench.proc.ProcStats;
import io.herald.testkit.RedisProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Herald side by side with nginx+nchan and nats-server: the same room fan-out load against each,
 * one server after the other, each pinned to {@code --server-cpus} with the subscribers and the
 * publisher on {@code --client-cpus}. For each server: a connect step ({@code --connections}
 * subscribers from readied client processes, all told to go at once), idle memory per connection,
 * then messages at each rate of {@code --rates} deliveries per second: delivered/s, loss, server
 * CPU per million deliveries, latency percentiles; and at the end the ratios Herald/peer.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description =
        "Room fan-out side by side: herald standalone (TCP and WebSocket), nginx+nchan and"
            + " nats-server under the same load.")
public final class CompareCommand implements Callable<Integer> {
  @Option(
      names = "--servers",
      split = ",",
      defaultValue = "herald,nchan,nats",
      description = "herald, nchan, nats")
  List<String> servers;

  @Option(
      names = "--transport",
      split = ",",
      defaultValue = "tcp,ws",
      description = "Herald's subscribers: tcp, ws or both (each a run of its own)")
  List<String> transports;

  @Option(names = "--connections", defaultValue = "5000", description = "subscribers per server")
  int connections;

  @Option(names = "--client-processes", defaultValue = "2")
  int clientProcesses;

  @Option(
      names = "--rates",
      split = ",",
      defaultValue = "50000,100000",
      description = "deliveries per second (messages per second × subscribers), in order")
  List<Integer> rates;

  @Option(names = "--size", defaultValue = "64", description = "message body bytes")
  int size;

  @Option(names = "--duration", defaultValue = "5", description = "seconds per rate")
  int durationSeconds;

  @Option(
      names = "--warmup",
      defaultValue = "1000",
      description = "subscribers connected and closed before the measured connect step")
  int warmup;

  @Option(
      names = "--publish-warmup",
      defaultValue = "30",
      description =
          "seconds of messages at the first rate before measuring, so that the JVM's JIT has"
              + " compiled Herald's path (C2 still works 25 s into a run; 0: none)")
  int publishWarmupSeconds;

  @Option(
      names = "--no-memory",
      description = "skip the idle-memory reading (and so Herald's full GCs through jcmd)")
  boolean noMemory;

  @Option(
      names = "--one-herald",
      description =
          "one Herald for every --transport, one after the other (faster; for the smoke test: the"
              + " later transports' memory is then read after the earlier ones' clients left)")
  boolean oneHerald;

  @Option(names = "--settle", defaultValue = "2", description = "seconds before memory is read")
  int settleSeconds;

  @Option(
      names = "--store",
      defaultValue = "redis",
      description = "Herald's sessions: redis (a redis-server of its own) or memory")
  String store;

  @Option(names = "--heap", defaultValue = "1g", description = "Herald's fixed, pre-touched heap")
  String heap;

  @Option(
      names = "--herald-jvm-options",
      split = " ",
      description =
          "more JVM options for Herald (bin/jvm.options's collector unless one names one)")
  List<String> heraldJvmOptions = new ArrayList<>();

  @Option(names = "--server-cpus", defaultValue = "0", description = "taskset CPUs of servers")
  String serverCpus;

  @Option(
      names = "--client-cpus",
      defaultValue = "1",
      description = "taskset CPUs of the client processes and of this process (the publisher)")
  String clientCpus;

  /** One rate's outcome for one server. */
  public record Step(
      String server,
      int rate,
      long sent,
      long expected,
      long delivered,
      double deliveredPerSecond,
      double cpuSecondsPerMillion,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      double clientCpuShare) {}

  /** One server's connect step and idle memory. */
  public record Connect(
      String server, String auth, double perSecond, long rssPerConnection, long heapPerConnection) {
    long bytesPerConnection() {
      return rssPerConnection + heapPerConnection;
    }
  }

  private final List<Step> steps = new ArrayList<>();
  private final List<Connect> connects = new ArrayList<>();
  private final List<AutoCloseable> running = new ArrayList<>();

  /** The line that installs the servers Herald is compared with. */
  public static final String PEERS_INSTALL = Peers.INSTALL;

  /** Whether nginx with nchan and nats-server are installed where the bench looks for them. */
  public static boolean peersInstalled() {
    return Peers.installed();
  }

  /** What the last run measured, server by server and rate by rate. */
  public List<Step> steps() {
    return List.copyOf(steps);
  }

  /** The connect step of each server the last run measured. */
  public List<Connect> connects() {
    return List.copyOf(connects);
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("herald-bench-compare");
    Thread hook = new Thread(this::closeAll, "bench-compare-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      pinSelf();
      System.out.printf(
          "compare %s: %,d subscribers in one room/channel/subject, %d-byte messages, %d s per"
              + " rate, servers on CPUs %s, clients and publisher on %s (logs in %s)%n",
          LocalDate.now(ZoneOffset.UTC),
          connections,
          size,
          durationSeconds,
          serverCpus,
          clientCpus,
          dir);
      for (String server : servers) {
        if (server.equals("herald") && oneHerald) {
          ComparedServer herald = startServer(dir, "herald-" + transports.get(0));
          track(herald);
          for (String transport : transports) {
            run(dir, "herald-" + transport, ((HeraldServer) herald).on(transport));
          }
          herald.close();
        } else if (server.equals("herald")) {
          for (String transport : transports) {
            run(dir, "herald-" + transport, null);
          }
        } else {
          run(dir, server, null);
        }
      }
      CompareReport.print(connects, steps, System.out);
    } finally {
      closeAll();
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    return 0;
  }

  /** Measures one server: {@code started}, or one started now and ended after. */
  private void run(Path dir, String name, ComparedServer started) throws Exception {
    ClientProcesses clients =
        new ClientProcesses(Files.createDirectories(dir.resolve(name)), taskset(clientCpus));
    track(clients::endAll);
    ComparedServer server = started != null ? started : startServer(dir, name);
    if (started == null) {
      track(server);
    }
    try {
      List<Integer> ports = server.clientPorts();
      String transport = server.clientTransport();
      if (warmup > 0) {
        // The server has served clients before: JIT code, pools and buffers are in place.
        clients.start(transport, ports, warmup, 1, 2000, false);
        clients.awaitAuthenticated(Duration.ofMinutes(2), server::name);
        clients.endAll();
      }
      TimeUnit.SECONDS.sleep(settleSeconds);
      OptionalLong heapBefore = noMemory ? OptionalLong.empty() : server.heapAfterGc();
      long rssBefore = server.process().rssBytes();

      List<ClientProcess> subscribers =
          clients.start(
              transport, ports, connections, clientProcesses, Integer.MAX_VALUE / 2, true);
      for (ClientProcess client : subscribers) {
        client.authenticated(); // answers once the process is up: its JVM start is not timed
      }
      long connectStart = System.nanoTime();
      for (ClientProcess client : subscribers) {
        client.ask("go");
      }
      clients.awaitAuthenticated(Duration.ofMinutes(5), server::name);
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      TimeUnit.SECONDS.sleep(settleSeconds);
      OptionalLong heapAfter = noMemory ? OptionalLong.empty() : server.heapAfterGc();
      long rssAfter = noMemory ? rssBefore : server.process().rssBytes();
      long heapPer =
          heapAfter.isPresent()
              ? (heapAfter.getAsLong() - heapBefore.getAsLong()) / connections
              : 0;
      Connect connect =
          new Connect(
              name,
              server.auth(),
              connections / connectSeconds,
              (rssAfter - rssBefore) / connections,
              heapPer);
      connects.add(connect);
      System.out.printf(
          "%s: %,d subscribed in %.2f s = %,.0f/s (%s); idle memory per connection: RSS %,d B%s%n",
          name,
          connections,
          connectSeconds,
          connect.perSecond(),
          server.auth(),
          connect.rssPerConnection(),
          heapAfter.isPresent() ? String.format(" + heap after GC %,d B", heapPer) : "");

      long seq = 0;
      // Warm-up: the publish path runs before the first measured rate.
      if (publishWarmupSeconds > 0) {
        seq = publish(server, seq, rates.get(0), publishWarmupSeconds);
        var unused = Deliveries.await(subscribers, seq * connections);
      }
      for (int rate : rates) {
        for (ClientProcess client : subscribers) {
          client.ask("reset");
        }
        long cpuBefore = server.process().cpuNanos();
        long clientCpuBefore = clientCpu(subscribers);
        long begin = System.nanoTime();
        long first = seq;
        seq = publish(server, seq, rate, durationSeconds);
        long sent = seq - first;
        long expected = sent * connections;
        Deliveries step = Deliveries.await(subscribers, expected);
        double seconds = (System.nanoTime() - begin) / 1e9;
        long cpu = server.process().cpuNanos() - cpuBefore;
        double clientShare = (clientCpu(subscribers) - clientCpuBefore) / 1e9 / seconds;
        Histogram latency = step.latency();
        Step result =
            new Step(
                name,
                rate,
                sent,
                expected,
                step.delivered(),
                step.delivered() / seconds,
                step.delivered() == 0 ? 0 : cpu / 1e9 / (step.delivered() / 1e6),
                latency.getValueAtPercentile(50) / 1e3,
                latency.getValueAtPercentile(99) / 1e3,
                latency.getMaxValue() / 1e3,
                clientShare);
        steps.add(result);
        System.out.printf(
            "%s at %,d deliveries/s: %,.0f delivered/s, loss %,d, CPU %.2f s per 1M, p50 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms, client CPU %.0f%%%n",
            name,
            rate,
            result.deliveredPerSecond(),
            expected - step.delivered(),
            result.cpuSecondsPerMillion(),
            result.p50Millis(),
            result.p99Millis(),
            result.maxMillis(),
            100 * clientShare);
      }
    } finally {
      clients.endAll();
      if (started == null) {
        server.close();
      }
    }
  }

  private ComparedServer startServer(Path dir, String name) throws Exception {
    List<String> cpus = taskset(serverCpus);
    return switch (name) {
      case "nchan" -> NchanServer.start(dir, cpus, connections + warmup);
      case "nats" -> NatsServer.start(dir, cpus);
      case "herald-tcp", "herald-ws" -> {
        String redisUri = "";
        if (store.equals("redis")) {
          RedisProcess redis = RedisProcess.start();
          track(redis);
          redisUri = redis.uri();
        } else if (!store.equals("memory")) {
          throw new IllegalArgumentException("--store: " + store + " (expected: redis or memory)");
        }
        yield HeraldServer.start(
            dir, cpus, name.substring("herald-".length()), heap, heraldJvmOptions, redisUri);
      }
      default ->
          throw new IllegalArgumentException(
              "--servers/--transport: " + name + " (expected: herald with tcp or ws, nchan, nats)");
    };
  }

  /**
   * Publishes {@code deliveries} per second for {@code seconds}: {@code deliveries / connections}
   * messages per second, at least one message; returns the next sequence number.
   */
  private long publish(ComparedServer server, long seq, int deliveries, int seconds)
      throws IOException, InterruptedException {
    double perSecond = (double) deliveries / connections;
    long messages = Math.max(1, Math.round(perSecond * seconds));
    long interval = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    long next = System.nanoTime();
    for (long i = 0; i < messages; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      next += interval;
      server.publish(Payload.body(seq++, size));
    }
    return seq;
  }

  /** CPU time of the client processes so far: their share shows when they are the limit. */
  private static long clientCpu(List<ClientProcess> clients) throws IOException {
    long total = 0;
    for (ClientProcess client : clients) {
      total += ProcStats.cpuNanos(client.pid());
    }
    return total;
  }

  /** Pins this process (the publisher) to the clients' CPUs, all of its threads. */
  private void pinSelf() throws IOException, InterruptedException {
    if (clientCpus.isEmpty()) {
      return;
    }
    Process taskset =
        new ProcessBuilder(
                "taskset",
                "-a",
                "-p",
                "-c",
                clientCpus,
                Long.toString(ProcessHandle.current().pid()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
      throw new IOException("taskset could not pin the publisher to CPUs " + clientCpus);
    }
  }

  private static List<String> taskset(String cpus) {
    return cpus.isEmpty() ? List.of() : List.of("taskset", "-c", cpus);
  }

  private synchronized void track(AutoCloseable closeable) {
    running.add(closeable);
  }

  /** Ends whatever runs, last started first: clients, the server, its Redis. */
  private synchronized void closeAll() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        System.err.println("stopping " + running.get(i) + " failed: " + e);
      }
    }
    running.clear();
  }
}
