package io.herald.bench.scenario;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.herald.bench.load.Payload;
import io.herald.bench.proc.ProcStats;
import io.herald.bench.report.LineChart;
import io.herald.bench.report.Trend;
import io.herald.proto.push.v1.InboxPosition;
import io.herald.proto.push.v1.PushAllRequest;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushKeysRequest;
import io.herald.proto.push.v1.PushKeysResponse;
import io.herald.proto.push.v1.PushMidsRequest;
import io.herald.proto.push.v1.PushRoomRequest;
import io.herald.proto.push.v1.ReadInboxRequest;
import io.herald.proto.push.v1.ReadInboxResponse;
import io.herald.testkit.HeraldProcess;
import io.herald.testkit.LocalKafka;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.ServiceMetrics;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak: the whole system (Logic, Job, Comets, each its own JVM, on a real Redis and Kafka)
 * under connection churn, every kind of push and a share of slow consumers for {@code --duration};
 * samples each role's heap after GC, RSS, file descriptors and threads, and Redis's keys against
 * live sessions and retained inboxes every {@code --sample}; writes {@code soak.csv} and PNG plots,
 * and judges each series flat or growing (a line fitted over the second half, {@link Trend}). See
 * bench/README.md and docs/benchmarks.md ("Soak").
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description =
        "The whole system under churn, all push kinds and slow consumers for a long run: heap,"
            + " RSS, fds, threads and Redis keys sampled, plotted and judged flat or growing.")
public final class SoakCommand implements Callable<Integer> {
  @Option(names = "--duration", defaultValue = "30m", description = "run length: 90s, 30m, 1h")
  String duration;

  @Option(names = "--sample", defaultValue = "10s", description = "sampling interval")
  String sample;

  @Option(names = "--connections", defaultValue = "1200", description = "client connections")
  int connections;

  @Option(names = "--comets", defaultValue = "2", description = "Comet processes (1 or more)")
  int comets;

  @Option(
      names = "--slow-share",
      defaultValue = "0.1",
      description =
          "share of the connections that are slow consumers (in room live://slow; they stop"
              + " reading for --slow-pause s every --slow-read s)")
  double slowShare;

  @Option(names = "--slow-pause", defaultValue = "20")
  int slowPauseSeconds;

  @Option(names = "--slow-read", defaultValue = "40")
  int slowReadSeconds;

  @Option(
      names = "--churn",
      defaultValue = "0.01",
      description =
          "fraction of the connections ended per second (closed, reset, or abandoned to the"
              + " heartbeat timeout), each reconnecting to the next Comet")
  double churn;

  @Option(
      names = "--push-rate",
      defaultValue = "100",
      description =
          "unicast pushes per second, round-robin over: by mid best effort, acked, stored, stored"
              + " + notify; by key best effort, acked + stored")
  int pushRate;

  @Option(names = "--room-rate", defaultValue = "2", description = "pushes/s to room live://bench")
  double roomRate;

  @Option(
      names = "--slow-rate",
      defaultValue = "10",
      description = "pushes/s of --slow-size bytes to room live://slow")
  double slowRate;

  @Option(names = "--slow-size", defaultValue = "4096")
  int slowSize;

  @Option(
      names = "--broadcast-every",
      defaultValue = "10s",
      description = "one broadcast to every connection this often")
  String broadcastEvery;

  @Option(names = "--size", defaultValue = "64", description = "body bytes of the other pushes")
  int size;

  @Option(names = "--heartbeat", defaultValue = "3", description = "clients' heartbeat, seconds")
  int heartbeatSeconds;

  @Option(
      names = "--heartbeat-timeout",
      defaultValue = "10s",
      description = "the Comets' heartbeat timeout (heartbeat.minTimeout = maxTimeout)")
  String heartbeatTimeout;

  @Option(
      names = "--leak-detection",
      defaultValue = "advanced",
      description =
          "Netty leak detection level in every role (io.netty.leakDetection.level): advanced"
              + " samples 1 buffer in 128 with access records, cheap enough for a long run;"
              + " paranoid tracks every buffer (the smoke test)")
  String leakDetection;

  @Option(names = "--heap", defaultValue = "512m", description = "each Comet's fixed heap")
  String heap;

  @Option(names = "--inbox-max-count", defaultValue = "20", description = "Logic's inbox.maxCount")
  int inboxMaxCount;

  @Option(
      names = "--flat-relative",
      defaultValue = "0.05",
      description =
          "a series is flat when its second-half growth is at most this share of its mean")
  double flatRelative;

  @Option(
      names = "--kafka",
      defaultValue = "",
      description = "bootstrap servers of a running Kafka; empty: start the testkit's broker")
  String kafka;

  @Option(
      names = "--redis",
      defaultValue = "",
      description = "URI of a running Redis; empty: start a redis-server from the PATH")
  String redis;

  @Option(
      names = "--out",
      defaultValue = "",
      description =
          "directory for soak.csv, the plots and the logs; empty: bench/target/soak-<time>")
  String out;

  @Option(
      names = "--from-csv",
      defaultValue = "",
      description =
          "judge and plot the samples of an earlier run (its soak.csv; plots next to it) instead"
              + " of running")
  String fromCsv;

  private static final int PARTITIONS = 4;

  /** What the run found, for the smoke test and the report. */
  public record Outcome(
      int samples,
      long pushesAccepted,
      long pushesFailed,
      long delivered,
      long reconnects,
      long storedMissing,
      long leaks,
      long boundViolations,
      long sessionKeysAfterDisconnect,
      Path csv,
      List<Path> plots,
      Map<String, Trend> trends) {}

  private Outcome outcome;

  public Outcome outcome() {
    return outcome;
  }

  @Override
  public Integer call() throws Exception {
    if (!fromCsv.isEmpty()) {
      Path csv = Path.of(fromCsv);
      Report report = Report.read(csv);
      report.trends(flatRelative);
      System.out.println("plots: " + report.plot(csv.toAbsolutePath().getParent()));
      return 0;
    }
    Path dir =
        out.isEmpty()
            ? Path.of(
                "bench/target/soak-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .format(LocalDateTime.now(ZoneOffset.UTC)))
            : Path.of(out);
    Files.createDirectories(dir);
    LocalKafka started = null;
    try {
      String bootstrap = kafka;
      String topic;
      if (bootstrap.isEmpty()) {
        started = LocalKafka.start("bench-");
        bootstrap = started.broker().bootstrapServers();
        topic = started.broker().newTopic(PARTITIONS);
      } else {
        topic = UnicastCommand.createTopic(bootstrap);
      }
      outcome = run(dir.toAbsolutePath(), bootstrap, topic);
    } finally {
      if (started != null) {
        started.close();
      }
    }
    return outcome.leaks() == 0 && outcome.storedMissing() == 0 && outcome.boundViolations() == 0
        ? 0
        : 1;
  }

  /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 500ms}. */
  static Duration parseDuration(String text) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(text + " (expected: a number and ms, s, m or h)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private Outcome run(Path dir, String bootstrap, String topic) throws Exception {
    Duration runFor = parseDuration(duration);
    Duration every = parseDuration(sample);
    String timeout = heartbeatTimeout;
    // Logic's session and inbox keys under a prefix of this run's own: counted apart from any
    // other data in the Redis (the smoke test shares the test kit's).
    String prefix = "soak" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    int slow = (int) Math.round(connections * slowShare);
    int v2 = (connections - slow) / 2;
    int v1 = connections - slow - v2;
    System.out.printf(
        "soak %s: %s, %,d connections (%,d v1, %,d v2 acking, %,d slow) on %d Comets, churn %.1f%%"
            + " of them per second, %d unicast pushes/s, %.1f room/s, %.1f slow-room/s of %d B,"
            + " a broadcast every %s; leak detection %s; sampled every %s into %s%n",
        LocalDateTime.now(ZoneOffset.UTC).withNano(0),
        duration,
        connections,
        v1,
        v2,
        slow,
        comets,
        churn * 100,
        pushRate,
        roomRate,
        slowRate,
        slowSize,
        broadcastEvery,
        leakDetection,
        sample,
        dir);
    try (LocalCluster cluster = new LocalCluster(dir, "", "")) {
      if (redis.isEmpty()) {
        cluster.withRedis();
      } else {
        cluster.useRedis(redis);
      }
      String redisUri = cluster.redisUri();
      cluster.withKafka(bootstrap, topic);
      cluster.withComets(comets);
      cluster.withRoleChanges(
          List.of(
              "-Dio.netty.leakDetection.level=" + leakDetection,
              "-Dio.netty.leakDetection.targetRecords=8"),
          yaml ->
              yaml.set(
                      "store",
                      "{backend: redis, redis: {uri: '"
                          + redisUri
                          + "', keyPrefix: "
                          + prefix
                          + "}}")
                  .set("inbox", "{maxCount: " + inboxMaxCount + "}"),
          yaml ->
              yaml.set(
                  "heartbeat",
                  "{interval: "
                      + timeout
                      + ", maxMissed: 1, minTimeout: "
                      + timeout
                      + ", maxTimeout: "
                      + timeout
                      + ", sessionRenewal: 1m}"));
      cluster.start(heap);
      int perSecond = 500;
      List<String> common =
          List.of(
              "--heartbeat=" + heartbeatSeconds,
              "--reconnect",
              "--max-duration=" + (runFor.toSeconds() + 1800),
              "--churn=" + churn,
              "--abandon-limit=" + Math.max(30, 3 * parseDuration(timeout).toSeconds()));
      List<ClientProcess> clients = new ArrayList<>();
      Duration connectTimeout = Duration.ofMinutes(3);
      if (v1 > 0) {
        cluster.start(v1, 1, perSecond, plus(common, "--version=1"));
        clients = cluster.awaitOnline(connectTimeout);
      }
      if (v2 > 0) {
        cluster.start(v2, 1, perSecond, plus(common, "--version=2"));
        clients = cluster.awaitOnline(connectTimeout);
      }
      if (slow > 0) {
        List<String> slowOptions =
            plus(
                common,
                "--room=live://slow",
                "--slow-pause=" + slowPauseSeconds,
                "--slow-read=" + slowReadSeconds);
        cluster.start(slow, 1, perSecond, slowOptions);
        clients = cluster.awaitOnline(connectTimeout);
      }
      for (ClientProcess client : clients) {
        client.ask("churn");
      }
      List<Probe> probes = probes(cluster);
      Redis keys = new Redis(redisUri, prefix);
      Path csv = dir.resolve("soak.csv");
      Sampler sampler = new Sampler(cluster, clients, probes, keys, csv);
      try (Publisher publisher = new Publisher(cluster.logicGrpcPort, connections)) {
        warmUp(publisher, clients, Duration.ofMinutes(2));
        Thread publishing = new Thread(() -> publisher.run(runFor), "soak-publisher");
        publishing.start();
        long start = System.nanoTime();
        long next = start;
        while (true) {
          sampler.sample((System.nanoTime() - start) / 1e9, publisher);
          next += every.toNanos();
          if (next - start > runFor.toNanos()) {
            break;
          }
          LockSupport.parkNanos(next - System.nanoTime());
        }
        publisher.stop();
        publishing.join();
        TimeUnit.SECONDS.sleep(3);
        sampler.sample((System.nanoTime() - start) / 1e9, publisher);
        sampler.close();
        long missing = publisher.checkInboxes();
        cluster.disconnectAll();
        long left = keys.awaitSessionKeysGone(Duration.ofSeconds(60));
        System.out.printf(
            "after every client left: %,d session keys (%s:key:*) left in Redis%n", left, prefix);
        List<HeraldProcess> roles = cluster.roles();
        cluster.close();
        keys.close();
        long leaks = leaks(dir, roles, cluster);
        Map<String, Trend> trends = sampler.report().trends(flatRelative);
        List<Path> plots = sampler.report().plot(dir);
        long violations = sampler.boundViolations();
        System.out.printf(
            "pushes: %,d accepted, %,d failed; %,d messages delivered to clients; %,d"
                + " reconnects%n",
            publisher.accepted(),
            publisher.failed(),
            sampler.lastDelivered(),
            sampler.lastReconnects());
        System.out.printf(
            "Redis key bound (%s:key:* <= comet connections + churn per sample, %s:mid:* <= users,"
                + " inbox keys <= 3 x users, others <= 50): %,d samples over"
                + " it%n",
            prefix, prefix, violations);
        System.out.println("plots: " + plots + "; samples: " + csv);
        return new Outcome(
            sampler.samples(),
            publisher.accepted(),
            publisher.failed(),
            sampler.lastDelivered(),
            sampler.lastReconnects(),
            missing,
            leaks,
            violations,
            left,
            csv,
            plots,
            trends);
      }
    }
  }

  /**
   * Broadcasts once a second until a client received one: the whole path (Logic's Kafka producer,
   * Job's partitions, the Comets) is up before the run's clock starts.
   */
  private static void warmUp(Publisher publisher, List<ClientProcess> clients, Duration timeout)
      throws Exception {
    long start = System.nanoTime();
    while (true) {
      publisher.warmUpBroadcast();
      long delivered = 0;
      for (ClientProcess client : clients) {
        delivered += Long.parseLong(client.ask("stats").split(" ", -1)[1]);
      }
      if (delivered > 0) {
        System.out.printf(
            "warm-up: first delivery after %.1f s%n", (System.nanoTime() - start) / 1e9);
        return;
      }
      if (System.nanoTime() - start > timeout.toNanos()) {
        throw new IOException("no broadcast reached a client within " + timeout);
      }
      TimeUnit.SECONDS.sleep(1);
    }
  }

  private static List<String> plus(List<String> options, String... more) {
    List<String> all = new ArrayList<>(options);
    all.addAll(List.of(more));
    return all;
  }

  /** Every role's figures: Logic, the Comets, Job, and the Redis server when started here. */
  private static List<Probe> probes(LocalCluster cluster) throws IOException {
    List<Probe> probes = new ArrayList<>();
    probes.add(Probe.jvm("logic", cluster.logic().process().pid()));
    List<HeraldCluster.Comet> all = cluster.comets();
    for (int i = 0; i < all.size(); i++) {
      probes.add(Probe.jvm("comet" + (i == 0 ? "" : "-" + i), all.get(i).process().pid()));
    }
    probes.add(Probe.jvm("job", cluster.jobPid()));
    probes.add(new Probe("redis", RedisInfo.pid(cluster.redisUri()), null, null));
    return probes;
  }

  /**
   * Counts {@code LEAK:} lines in every role's log and in the client processes' logs, printing the
   * first few.
   */
  private static long leaks(Path dir, List<HeraldProcess> roles, LocalCluster cluster)
      throws IOException {
    List<Path> logs = new ArrayList<>();
    for (HeraldProcess role : roles) {
      logs.add(cluster.logOf(role));
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.getFileName().toString().startsWith("clients-")).forEach(logs::add);
    }
    long leaks = 0;
    for (Path log : logs) {
      if (!Files.exists(log)) {
        System.out.println("LEAK check: no log " + log);
        continue;
      }
      try (Stream<String> lines = Files.lines(log)) {
        List<String> found = lines.filter(line -> line.contains("LEAK:")).toList();
        for (String line : found.subList(0, Math.min(3, found.size()))) {
          System.out.println(log.getFileName() + ": " + line);
        }
        leaks += found.size();
      }
    }
    System.out.printf(
        "Netty leak reports in %d logs (roles and clients): %d%n", logs.size(), leaks);
    return leaks;
  }

  /**
   * One process's figures: RSS, fds and threads from {@code /proc}; a JVM's heap after a full GC
   * through its platform MBeans (attached once, {@code MemoryMXBean.gc()} as {@code jcmd GC.run}
   * does, then the heap in use), falling back to {@code jcmd}.
   */
  private record Probe(String name, long pid, JMXConnector connector, MemoryMXBean memory) {
    // JMX only to the local management agent of a role this process started, on loopback.
    @SuppressWarnings("BanJNDI")
    static Probe jvm(String name, long pid) {
      try {
        com.sun.tools.attach.VirtualMachine vm =
            com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid));
        String address;
        try {
          address = vm.startLocalManagementAgent();
        } finally {
          vm.detach();
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        MemoryMXBean memory =
            ManagementFactory.newPlatformMXBeanProxy(
                connector.getMBeanServerConnection(),
                ManagementFactory.MEMORY_MXBEAN_NAME,
                MemoryMXBean.class);
        return new Probe(name, pid, connector, memory);
      } catch (Exception e) {
        System.out.println(name + ": no JMX (" + e + "), heap through jcmd");
        return new Probe(name, pid, null, null);
      }
    }

    boolean isJvm() {
      return !name.equals("redis");
    }

    /** Bytes in use right after a full GC. */
    long heapAfterGc() throws IOException, InterruptedException {
      if (memory != null) {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
      }
      return ProcStats.heapAfterGc(pid);
    }

    void close() {
      if (connector != null) {
        try {
          connector.close();
        } catch (IOException e) {
          // the process is gone
        }
      }
    }
  }

  /** Logic's keys in Redis by kind, and how long session keys take to go. */
  private static final class Redis implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix;

    Redis(String uri, String prefix) {
      this.client = RedisClient.create(uri);
      this.connection = client.connect();
      this.prefix = prefix;
    }

    /** {dbsize, session (key:), mid:, inbox, other keys under the prefix}. */
    long[] count() {
      RedisCommands<String, String> redis = connection.sync();
      long[] counts = new long[5];
      counts[0] = redis.dbsize();
      ScanArgs args = ScanArgs.Builder.matches(prefix + ":*").limit(1000);
      KeyScanCursor<String> cursor = redis.scan(args);
      while (true) {
        for (String key : cursor.getKeys()) {
          String rest = key.substring(prefix.length() + 1);
          if (rest.startsWith("key:")) {
            counts[1]++;
          } else if (rest.startsWith("mid:")) {
            counts[2]++;
          } else if (rest.startsWith("inbox:")) {
            counts[3]++;
          } else {
            counts[4]++;
          }
        }
        if (cursor.isFinished()) {
          return counts;
        }
        cursor = redis.scan(ScanCursor.of(cursor.getCursor()), args);
      }
    }

    /** Waits until no session key is left, at most {@code timeout}; returns how many are left. */
    long awaitSessionKeysGone(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        long left = count()[1];
        if (left == 0 || System.nanoTime() > deadline) {
          return left;
        }
        TimeUnit.MILLISECONDS.sleep(500);
      }
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown();
    }
  }

  /** The columns of soak.csv, sampled together. */
  private final class Sampler {
    private final LocalCluster cluster;
    private final List<ClientProcess> clients;
    private final List<Probe> probes;
    private final Redis redis;
    private final Path csv;
    private final BufferedWriter writer;
    private final List<String> columns = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();
    private final java.util.concurrent.ExecutorService gcs =
        java.util.concurrent.Executors.newCachedThreadPool();
    private long violations;

    Sampler(
        LocalCluster cluster,
        List<ClientProcess> clients,
        List<Probe> probes,
        Redis redis,
        Path csv)
        throws IOException {
      this.cluster = cluster;
      this.clients = List.copyOf(clients);
      this.probes = probes;
      this.redis = redis;
      this.csv = csv;
      columns.add("t_s");
      for (Probe probe : probes) {
        if (probe.isJvm()) {
          columns.add(probe.name() + "_heap_mb");
        }
        columns.add(probe.name() + "_rss_mb");
        columns.add(probe.name() + "_fds");
        columns.add(probe.name() + "_threads");
      }
      columns.addAll(
          List.of(
              "redis_used_mb",
              "redis_dbsize",
              "redis_session_keys",
              "redis_mid_keys",
              "redis_inbox_keys",
              "redis_other_keys",
              "comet_connections",
              "clients_online",
              "users_with_inbox",
              "pushes_accepted",
              "pushes_failed",
              "delivered",
              "dropped_unwritable",
              "slow_closed",
              "heartbeat_timeouts",
              "acks_given_up",
              "client_closed",
              "client_reset",
              "client_abandoned",
              "abandoned_unnoticed",
              "slow_pauses",
              "reconnects"));
      this.writer = Files.newBufferedWriter(csv);
      writer.write(String.join(",", columns));
      writer.newLine();
      writer.flush();
    }

    void sample(double seconds, Publisher publisher) throws Exception {
      long began = System.nanoTime();
      List<Double> row = new ArrayList<>();
      row.add(seconds);
      // The full GCs at once, one thread each: on a busy machine one takes a second or more.
      Map<Probe, java.util.concurrent.Future<Long>> heaps = new LinkedHashMap<>();
      for (Probe probe : probes) {
        if (probe.isJvm()) {
          heaps.put(probe, gcs.submit(probe::heapAfterGc));
        }
      }
      for (Probe probe : probes) {
        if (probe.isJvm()) {
          row.add(heaps.get(probe).get(60, TimeUnit.SECONDS) / 1048576.0);
        }
        row.add(ProcStats.rssBytes(probe.pid()) / 1048576.0);
        row.add((double) ProcStats.openFiles(probe.pid()));
        row.add((double) ProcStats.threads(probe.pid()));
      }
      long[] keys = redis.count();
      double connectionsNow = 0;
      double dropped = 0;
      double slowClosed = 0;
      double timeouts = 0;
      double givenUp = 0;
      for (HeraldCluster.Comet comet : cluster.comets()) {
        ServiceMetrics metrics = ServiceMetrics.scrape(comet.adminUrl("/metrics"));
        connectionsNow += metrics.sum("herald_comet_connections", "");
        dropped += metrics.sum("herald_comet_push_dropped_total", "");
        slowClosed += metrics.sum("herald_comet_slow_consumers_closed_total", "");
        timeouts += metrics.sum("herald_comet_heartbeat_timeouts_total", "");
        givenUp += metrics.sum("herald_comet_acks_total", "given_up");
      }
      Map<String, Long> churned = new LinkedHashMap<>();
      long delivered = 0;
      for (ClientProcess client : clients) {
        client.online().forEach((k, v) -> churned.merge(k, v, Long::sum));
        delivered += Long.parseLong(client.ask("stats").split(" ", -1)[1]);
      }
      long usedMemory = RedisInfo.usedMemory(cluster.redisUri());
      row.add(usedMemory / 1048576.0);
      for (long k : keys) {
        row.add((double) k);
      }
      row.add(connectionsNow);
      row.add((double) churned.getOrDefault("online", 0L));
      long users = publisher.usersWithInbox();
      row.add((double) users);
      row.add((double) publisher.accepted());
      row.add((double) publisher.failed());
      row.add((double) delivered);
      row.add(dropped);
      row.add(slowClosed);
      row.add(timeouts);
      row.add(givenUp);
      for (String name :
          List.of("dropped", "reset", "abandoned", "abandoned_unnoticed", "paused", "reconnects")) {
        row.add((double) churned.getOrDefault(name, 0L));
      }
      double margin = churn * connections * parseDuration(sample).toSeconds() + 10;
      if (keys[1] > connectionsNow + margin
          || keys[2] > connections
          || keys[3] > 3L * connections
          || keys[4] > 50) {
        violations++;
        System.out.printf(
            "t=%.0fs Redis keys over the bound: session %d (connections %.0f), mid %d, inbox %d"
                + " (users %d), other %d%n",
            seconds, keys[1], connectionsNow, keys[2], keys[3], users, keys[4]);
      }
      double[] values = row.stream().mapToDouble(Double::doubleValue).toArray();
      rows.add(values);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          line.append(',');
        }
        double v = values[i];
        line.append(
            v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v));
      }
      writer.write(line.toString());
      writer.newLine();
      writer.flush();
      System.out.printf(
          "t=%5.0fs %s%n",
          seconds,
          summary(values, "comet_heap_mb", "comet_rss_mb", "comet_fds", "logic_heap_mb")
              + String.format(
                  Locale.ROOT,
                  " keys=%d/%d/%d conns=%.0f delivered=%,d reconnects=%d (%d ms)",
                  keys[1],
                  keys[2],
                  keys[3],
                  connectionsNow,
                  delivered,
                  churned.getOrDefault("reconnects", 0L),
                  (System.nanoTime() - began) / 1_000_000));
    }

    private String summary(double[] values, String... names) {
      StringBuilder text = new StringBuilder();
      for (String name : names) {
        int i = columns.indexOf(name);
        if (i >= 0) {
          text.append(String.format(Locale.ROOT, "%s=%.1f ", name, values[i]));
        }
      }
      return text.toString().strip();
    }

    int samples() {
      return rows.size();
    }

    long boundViolations() {
      return violations;
    }

    private double last(String column) {
      return rows.isEmpty() ? 0 : rows.get(rows.size() - 1)[columns.indexOf(column)];
    }

    long lastDelivered() {
      return (long) last("delivered");
    }

    long lastReconnects() {
      return (long) last("reconnects");
    }

    /** The samples so far, to judge and plot. */
    Report report() {
      return new Report(columns, rows);
    }

    void close() throws IOException {
      gcs.shutdownNow();
      writer.close();
      for (Probe probe : probes) {
        probe.close();
      }
    }

    @Override
    public String toString() {
      return "samples in " + csv;
    }
  }

  /** Samples (a header and rows, as in soak.csv), judged per series and plotted. */
  static final class Report {
    private final List<String> columns;
    private final List<double[]> rows;

    Report(List<String> columns, List<double[]> rows) {
      this.columns = List.copyOf(columns);
      this.rows = List.copyOf(rows);
    }

    /** Reads a soak.csv. */
    static Report read(Path csv) throws IOException {
      List<String> lines = Files.readAllLines(csv);
      List<double[]> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (!line.isBlank()) {
          rows.add(
              java.util.Arrays.stream(line.split(",", -1))
                  .mapToDouble(Double::parseDouble)
                  .toArray());
        }
      }
      return new Report(List.of(lines.get(0).split(",", -1)), rows);
    }

    private double[] column(String name) {
      int i = columns.indexOf(name);
      return rows.stream().mapToDouble(r -> r[i]).toArray();
    }

    /**
     * The verdict per series, printed as a Markdown table: heap, RSS, fds and threads of every
     * process, Redis's memory and keys.
     */
    Map<String, Trend> trends(double relative) {
      Map<String, Trend> trends = new LinkedHashMap<>();
      if (rows.size() < 2) {
        return trends;
      }
      double[] t = column("t_s");
      for (String name : columns) {
        double absolute;
        if (name.endsWith("_heap_mb")) {
          absolute = 4;
        } else if (name.endsWith("_rss_mb") || name.equals("redis_used_mb")) {
          absolute = 16;
        } else if (name.endsWith("_fds")) {
          absolute = 20;
        } else if (name.endsWith("_threads")) {
          absolute = 3;
        } else if (name.equals("redis_dbsize") || name.startsWith("redis_")) {
          absolute = 20;
        } else {
          continue;
        }
        trends.put(name, Trend.of(t, column(name), relative, absolute));
      }
      System.out.printf(
          "%nflat = |slope of a least-squares line over the second half x its length| <= max(%.0f%%"
              + " of the second half's mean, the series' floor)%n",
          relative * 100);
      System.out.println(
          "| series | start | end | slope /h | 2nd-half growth | tolerance | verdict |");
      System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
      trends.forEach(
          (name, trend) ->
              System.out.printf(
                  Locale.ROOT,
                  "| %s | %.1f | %.1f | %+.1f | %+.1f | %.1f | %s |%n",
                  name,
                  trend.start(),
                  trend.end(),
                  trend.slopePerHour(),
                  trend.growth(),
                  trend.tolerance(),
                  trend.verdict()));
      return trends;
    }

    List<Path> plot(Path dir) throws IOException {
      double[] t = column("t_s");
      List<Path> plots = new ArrayList<>();
      plots.add(chart(dir, "soak-heap.png", "Heap after full GC", "MiB", "_heap_mb", t));
      plots.add(chart(dir, "soak-rss.png", "Resident set size (RSS)", "MiB", "_rss_mb", t));
      plots.add(chart(dir, "soak-fds.png", "Open file descriptors", "fds", "_fds", t));
      plots.add(chart(dir, "soak-threads.png", "Threads", "threads", "_threads", t));
      Map<String, double[]> redisSeries = new LinkedHashMap<>();
      redisSeries.put("session keys", column("redis_session_keys"));
      redisSeries.put("mid keys", column("redis_mid_keys"));
      redisSeries.put("inbox keys", column("redis_inbox_keys"));
      redisSeries.put("Comet connections", column("comet_connections"));
      Path keysPlot = dir.resolve("soak-redis-keys.png");
      LineChart.write(keysPlot, "Redis keys vs live connections", "count", t, redisSeries);
      plots.add(keysPlot);
      return plots;
    }

    private Path chart(Path dir, String file, String title, String unit, String suffix, double[] t)
        throws IOException {
      Map<String, double[]> series = new LinkedHashMap<>();
      for (String name : columns) {
        if (name.endsWith(suffix)) {
          series.put(name.substring(0, name.length() - suffix.length()), column(name));
        }
      }
      Path png = dir.resolve(file);
      LineChart.write(png, title, unit, t, series);
      return png;
    }
  }

  /**
   * Every kind of push through Logic's gRPC API at the configured rates: unicast by mid (best
   * effort, acked, stored, stored + notify) and by key (best effort, acked + stored) to random
   * users, room pushes, slow-room pushes and broadcasts. Counts the answers, and each user's stored
   * messages as Logic reported them, to check the inboxes at the end.
   */
  private final class Publisher implements AutoCloseable {
    private static final int IN_FLIGHT = 256;
    private final ManagedChannel channel;
    private final PushGrpc.PushStub push;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final LongAdder accepted = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLongArray stored;
    private final AtomicLong sequence = new AtomicLong();
    private final int users;
    private volatile boolean stopped;

    Publisher(int port, int users) {
      this.users = users;
      this.stored = new AtomicLongArray(users + 1);
      this.channel =
          Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
              .build();
      this.push = PushGrpc.newStub(channel);
    }

    void run(Duration runFor) {
      long end = System.nanoTime() + runFor.toNanos();
      double perSecond = pushRate + roomRate + slowRate;
      long interval = (long) (TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond));
      long broadcastNanos = parseDuration(broadcastEvery).toNanos();
      long nextBroadcast = System.nanoTime() + broadcastNanos;
      long due = System.nanoTime();
      double roomOwed = 0;
      double slowOwed = 0;
      int kind = 0;
      try {
        while (!stopped && System.nanoTime() < end) {
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          due += interval;
          inFlight.acquire();
          roomOwed += roomRate / perSecond;
          slowOwed += slowRate / perSecond;
          if (System.nanoTime() >= nextBroadcast) {
            nextBroadcast += broadcastNanos;
            broadcast();
          } else if (roomOwed >= 1) {
            roomOwed--;
            room("bench", size);
          } else if (slowOwed >= 1) {
            slowOwed--;
            room("slow", slowSize);
          } else {
            unicast(kind++ % 6);
          }
        }
        inFlight.acquire(IN_FLIGHT);
        inFlight.release(IN_FLIGHT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void stop() {
      stopped = true;
    }

    private ByteString body(int bytes) {
      return ByteString.copyFrom(Payload.body(sequence.getAndIncrement(), bytes));
    }

    private void unicast(int kind) {
      long mid = 1 + ThreadLocalRandom.current().nextInt(users);
      if (kind < 4) {
        PushMidsRequest request =
            PushMidsRequest.newBuilder()
                .setOp(1000)
                .addMids(mid)
                .setBody(body(size))
                .setRequireAck(kind == 1)
                .setStore(kind >= 2)
                .setNotify(kind == 3)
                .build();
        push.withDeadlineAfter(10, TimeUnit.SECONDS)
            .pushMids(request, observer(r -> count(r.getStoredList())));
      } else {
        PushKeysRequest request =
            PushKeysRequest.newBuilder()
                .setOp(1000)
                .addKeys("bench-" + mid)
                .setBody(body(size))
                .setRequireAck(kind == 5)
                .setStore(kind == 5)
                .build();
        push.withDeadlineAfter(10, TimeUnit.SECONDS)
            .pushKeys(request, observer((PushKeysResponse r) -> count(r.getStoredList())));
      }
    }

    private void count(List<InboxPosition> positions) {
      for (InboxPosition position : positions) {
        if (position.getMid() > 0 && position.getMid() <= users) {
          stored.incrementAndGet((int) position.getMid());
        }
      }
    }

    private void room(String room, int bytes) {
      push.withDeadlineAfter(10, TimeUnit.SECONDS)
          .pushRoom(
              PushRoomRequest.newBuilder()
                  .setOp(1000)
                  .setType("live")
                  .setRoom(room)
                  .setBody(body(bytes))
                  .build(),
              observer(r -> {}));
    }

    private void broadcast() {
      push.withDeadlineAfter(10, TimeUnit.SECONDS)
          .pushAll(
              PushAllRequest.newBuilder().setOp(1000).setBody(body(size)).build(),
              observer(r -> {}));
    }

    private <T> StreamObserver<T> observer(Consumer<T> onAnswer) {
      return new StreamObserver<>() {
        @Override
        public void onNext(T answer) {
          onAnswer.accept(answer);
        }

        @Override
        public void onError(Throwable error) {
          if (failed.sum() == 0) {
            System.out.println("first failed push: " + error);
          }
          failed.increment();
          inFlight.release();
        }

        @Override
        public void onCompleted() {
          accepted.increment();
          inFlight.release();
        }
      };
    }

    /** One broadcast outside the counts, waited for (a failure is only printed). */
    void warmUpBroadcast() {
      try {
        var unused =
            PushGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .pushAll(PushAllRequest.newBuilder().setOp(1000).setBody(body(size)).build());
      } catch (RuntimeException e) {
        System.out.println("warm-up push: " + e);
      }
    }

    long accepted() {
      return accepted.sum();
    }

    long failed() {
      return failed.sum();
    }

    long usersWithInbox() {
      long count = 0;
      for (int mid = 1; mid <= users; mid++) {
        if (stored.get(mid) > 0) {
          count++;
        }
      }
      return count;
    }

    /**
     * Reads every user's inbox ({@code Push.ReadInbox}): its newest sequence must be the number of
     * messages Logic said it stored for the user (one epoch, numbered from 1). Returns how many are
     * missing.
     */
    long checkInboxes() {
      PushGrpc.PushBlockingStub blocking = PushGrpc.newBlockingStub(channel);
      long missing = 0;
      long extra = 0;
      long total = 0;
      for (int mid = 1; mid <= users; mid++) {
        long expected = stored.get(mid);
        if (expected == 0) {
          continue;
        }
        total += expected;
        ReadInboxResponse inbox =
            blocking
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .readInbox(ReadInboxRequest.newBuilder().setMid(mid).setLimit(1).build());
        long latest = inbox.getLatestSeq();
        if (latest < expected) {
          missing += expected - latest;
        } else {
          extra += latest - expected;
        }
      }
      System.out.printf(
          "stored: %,d messages Logic answered stored, %,d missing from the inboxes' sequences"
              + " (%,d more stored than answered: calls that failed after storing)%n",
          total, missing, extra);
      return missing;
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
