package io.herald.bench.scenario;

import io.herald.bench.proc.ProcStats;
import io.herald.testkit.LocalKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Stored delivery (issue 15): how fast Logic stores pushes into users' inboxes, and how long a
 * device that missed N messages takes to pull them with SYNC. Logic keeps sessions and inboxes in a
 * {@code redis-server}, with Kafka, Job and one Comet, each in its own JVM, as {@link
 * UnicastCommand} runs them.
 *
 * <ol>
 *   <li>Stored pushes: gRPC {@code Push.PushMids} with {@code store=true}, one user per call,
 *       round-robin over {@code --users} users of whom {@code --online} have a protocol version 1
 *       device connected (they get the plain frame; the rest only find it in their inbox), closed
 *       loop at each {@code --concurrency} (calls in flight): accepted per second, refused, the
 *       call's latency, Redis memory per stored message and CPU per push.
 *   <li>SYNC: for each {@code --missed} N, N stored pushes to users with no device connected, then
 *       for each user a fresh version 2 device pulls them ({@link InboxSync}), timed from the first
 *       SYNC to the last message held; every message must arrive once and in order.
 * </ol>
 */
@Command(
    name = "inbox",
    mixinStandardHelpOptions = true,
    description =
        "Stored pushes per second into inboxes (Logic, Redis, Kafka, Job, a Comet), and the"
            + " latency of a SYNC of N missed messages.")
public final class InboxCommand implements Callable<Integer> {
  @Option(names = "--users", defaultValue = "1000", description = "users pushed to, round-robin")
  int users;

  @Option(
      names = "--online",
      defaultValue = "100",
      description = "of --users, how many have a (protocol version 1) device connected")
  int online;

  @Option(names = "--client-processes", defaultValue = "1")
  int clientProcesses;

  @Option(
      names = "--concurrency",
      split = ",",
      defaultValue = "8,32,128",
      description = "push calls in flight (closed loop), swept in order")
  List<Integer> concurrency;

  @Option(names = "--duration", defaultValue = "10", description = "seconds per concurrency")
  int durationSeconds;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "seconds of pushes at the first concurrency before measuring")
  int warmupSeconds;

  @Option(names = "--size", defaultValue = "64", description = "message body bytes")
  int size;

  @Option(
      names = "--missed",
      split = ",",
      defaultValue = "100,1000",
      description = "messages a device missed and pulls with SYNC (at most the inbox's 1000)")
  List<Integer> missed;

  @Option(
      names = "--sync-limits",
      split = ",",
      defaultValue = "0,500",
      description = "messages asked per SYNC (0: the server's default; at most 500)")
  List<Integer> syncLimits;

  @Option(names = "--repeats", defaultValue = "20", description = "timed catch-ups per case")
  int repeats;

  @Option(
      names = "--sync-warmup",
      defaultValue = "3",
      description = "catch-ups per case before the timed ones")
  int syncWarmup;

  @Option(
      names = "--kafka",
      defaultValue = "",
      description = "bootstrap servers of a running Kafka; empty: start a broker (the testkit's)")
  String kafka;

  @Option(
      names = "--redis",
      defaultValue = "",
      description = "URI of a running Redis; empty: start a redis-server from the PATH")
  String redis;

  @Option(names = "--heap", defaultValue = "1g")
  String heap;

  private static final int PARTITIONS = 4;
  private static final int OP = 1000;

  /** The inbox keeps this many messages per user by default (Logic's inbox.maxCount). */
  private static final int INBOX_MAX_COUNT = 1000;

  /** The largest SYNC limit the server takes. */
  private static final int MAX_SYNC_LIMIT = 500;

  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

  /**
   * One concurrency's stored pushes.
   *
   * @param onlineExpected accepted pushes to users with a device connected
   * @param onlineDelivered what those devices received
   * @param redisBytesPerMessage growth of Redis's used memory over the step per accepted push
   * @param firstRefusal why the first refused call was refused ("" when none was)
   */
  public record StoreStep(
      int concurrency,
      long sent,
      long accepted,
      long refused,
      double perSecond,
      Histogram latency,
      long onlineExpected,
      long onlineDelivered,
      double redisBytesPerMessage,
      String firstRefusal) {}

  /** One case of catch-ups: {@code missed} messages, {@code limit} per SYNC (0: default). */
  public record SyncCase(int missed, int limit, List<InboxSync.Outcome> outcomes) {
    long percentileNanos(double percentile) {
      List<Long> sorted = outcomes.stream().map(InboxSync.Outcome::nanos).sorted().toList();
      int rank = (int) Math.ceil(percentile / 100 * sorted.size());
      return sorted.get(Math.max(0, rank - 1));
    }
  }

  private final List<StoreStep> steps = new ArrayList<>();
  private final List<SyncCase> syncs = new ArrayList<>();

  /** What the last run measured of stored pushes, step by step. */
  public List<StoreStep> steps() {
    return List.copyOf(steps);
  }

  /** What the last run measured of catch-ups, case by case. */
  public List<SyncCase> syncs() {
    return List.copyOf(syncs);
  }

  @Override
  public Integer call() throws Exception {
    validate();
    Path dir = Files.createTempDirectory("herald-bench-inbox");
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
      run(dir, bootstrap, topic);
    } finally {
      if (started != null) {
        started.close();
      }
    }
    return 0;
  }

  private void validate() {
    if (online < 0 || online > users || users < 1) {
      throw new IllegalArgumentException(
          "--users " + users + ", --online " + online + " (expected: 0 <= online <= users >= 1)");
    }
    for (int count : missed) {
      if (count < 1 || count > INBOX_MAX_COUNT) {
        throw new IllegalArgumentException(
            "--missed: " + count + " (expected: 1 to " + INBOX_MAX_COUNT + ", the inbox's size)");
      }
    }
    for (int limit : syncLimits) {
      if (limit < 0 || limit > MAX_SYNC_LIMIT) {
        throw new IllegalArgumentException(
            "--sync-limits: " + limit + " (expected: 0 to " + MAX_SYNC_LIMIT + ")");
      }
    }
    if (repeats < 1 || syncWarmup < 0 || concurrency.stream().anyMatch(c -> c < 1)) {
      throw new IllegalArgumentException(
          "--repeats "
              + repeats
              + ", --sync-warmup "
              + syncWarmup
              + ", --concurrency "
              + concurrency
              + " (expected: >= 1, >= 0, each >= 1)");
    }
    long syncUsers = (long) (repeats + syncWarmup) * syncLimits.size();
    if (syncUsers > 1000) {
      throw new IllegalArgumentException(
          "(--repeats + --sync-warmup) x --sync-limits: "
              + syncUsers
              + " users per push (expected: at most Logic's 1000 targets)");
    }
  }

  private void run(Path dir, String bootstrap, String topic) throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, "", "")) {
      if (redis.isEmpty()) {
        cluster.withRedis();
      } else {
        cluster.useRedis(redis);
      }
      cluster.withKafka(bootstrap, topic);
      cluster.start(heap);
      List<ClientProcess> clients =
          online == 0
              ? List.of()
              : cluster.connect(online, clientProcesses, 2000, Duration.ofMinutes(5));
      // Users nobody pushed to before, in whatever Redis: earlier runs' inboxes do not count.
      long firstFreshMid = System.currentTimeMillis() * 1_000;
      System.out.printf(
          "inbox %s: stored pushes by mid over gRPC (store=true), %d-byte bodies, %,d users"
              + " (%,d online with a version 1 device, the rest offline), one Comet; Kafka %s,"
              + " Redis %s (logs in %s)%n",
          LocalDate.now(ZoneOffset.UTC), size, users, online, bootstrap, cluster.redisUri(), dir);
      try (StoredPushes publisher =
          new StoredPushes(cluster.logicGrpcPort, OP, users, online, firstFreshMid, size)) {
        storeSweep(cluster, clients, publisher);
        syncCases(cluster, publisher, firstFreshMid + users);
      }
    }
  }

  private void storeSweep(LocalCluster cluster, List<ClientProcess> clients, StoredPushes publisher)
      throws Exception {
    StoredPushes.Round warm = publisher.run(concurrency.get(0), warmupSeconds);
    Deliveries.await(clients, warm.onlineAccepted());
    System.out.println(
        "in flight | sent | accepted/s | refused | call p50 ms | p99 ms | max ms | online delivered"
            + " | Redis B per stored message | CPU ms per push: Logic, Job, Comet, Redis");
    String redisUri = cluster.redisUri();
    long redisPid = redisPid(redisUri);
    for (int inFlight : concurrency) {
      for (ClientProcess client : clients) {
        client.ask("reset");
      }
      long memoryBefore = RedisInfo.usedMemory(redisUri);
      long[] cpuBefore = cpu(cluster, redisPid);
      StoredPushes.Round measured = publisher.run(inFlight, durationSeconds);
      long[] cpuAfter = cpu(cluster, redisPid);
      long memoryAfter = RedisInfo.usedMemory(redisUri);
      Deliveries delivered = Deliveries.await(clients, measured.onlineAccepted());
      StoreStep step =
          new StoreStep(
              inFlight,
              measured.sent(),
              measured.accepted(),
              measured.refused(),
              measured.perSecond(),
              measured.latency(),
              measured.onlineAccepted(),
              delivered.delivered(),
              measured.accepted() == 0
                  ? 0
                  : (memoryAfter - memoryBefore) / (double) measured.accepted(),
              measured.firstRefusal());
      steps.add(step);
      Histogram latency = step.latency();
      System.out.printf(
          "%,9d | %,d | %,.0f | %,d | %.2f | %.2f | %.2f | %,d of %,d | %,.0f | %s, %s, %s, %s%n",
          inFlight,
          step.sent(),
          step.perSecond(),
          step.refused(),
          latency.getValueAtPercentile(50) / 1e3,
          latency.getValueAtPercentile(99) / 1e3,
          latency.getMaxValue() / 1e3,
          step.onlineDelivered(),
          step.onlineExpected(),
          step.redisBytesPerMessage(),
          perPush(cpuBefore[0], cpuAfter[0], step.sent()),
          perPush(cpuBefore[1], cpuAfter[1], step.sent()),
          perPush(cpuBefore[2], cpuAfter[2], step.sent()),
          perPush(cpuBefore[3], cpuAfter[3], step.sent()));
      if (step.refused() > 0) {
        System.out.println("  first refusal: " + step.firstRefusal());
      }
      if (step.accepted() == 0) {
        throw new IllegalStateException(
            "Logic accepted none of " + step.sent() + " stored pushes: " + step.firstRefusal());
      }
    }
  }

  private void syncCases(LocalCluster cluster, StoredPushes publisher, long firstMid)
      throws Exception {
    System.out.printf(
        "SYNC by a fresh version 2 device of a user that missed N stored messages, from the first"
            + " SYNC to the last message held; %d timed catch-ups per case after %d%n",
        repeats, syncWarmup);
    System.out.println("missed | per SYNC | SYNCs | p50 ms | p99 ms | max ms | storing them, s");
    long next = firstMid;
    int perLimit = repeats + syncWarmup;
    for (int count : missed) {
      List<Long> mids = new ArrayList<>();
      for (int i = 0; i < perLimit * syncLimits.size(); i++) {
        mids.add(next++);
      }
      long storing = System.nanoTime();
      publisher.storeInOrder(mids, count);
      double storedSeconds = (System.nanoTime() - storing) / 1e9;
      for (int l = 0; l < syncLimits.size(); l++) {
        int limit = syncLimits.get(l);
        List<InboxSync.Outcome> outcomes = new ArrayList<>();
        for (int r = 0; r < perLimit; r++) {
          long mid = mids.get(l * perLimit + r);
          InboxSync.Outcome outcome =
              InboxSync.pullAll(cluster.cometTcpPort, mid, count, limit, OP, REPLY_TIMEOUT);
          if (r >= syncWarmup) {
            outcomes.add(outcome);
          }
        }
        SyncCase done = new SyncCase(count, limit, outcomes);
        syncs.add(done);
        System.out.printf(
            "%,6d | %s | %d | %.1f | %.1f | %.1f | %.1f%n",
            count,
            limit == 0 ? "default" : String.valueOf(limit),
            outcomes.get(0).roundTrips(),
            done.percentileNanos(50) / 1e6,
            done.percentileNanos(99) / 1e6,
            done.percentileNanos(100) / 1e6,
            storedSeconds);
      }
    }
  }

  private static long redisPid(String uri) {
    try {
      return RedisInfo.pid(uri);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static long[] cpu(LocalCluster cluster, long redisPid) throws IOException {
    long redisCpu = -1;
    if (redisPid > 0) {
      try {
        redisCpu = ProcStats.cpuNanos(redisPid);
      } catch (IOException e) {
        // a Redis on another machine, or of another user: its CPU is not ours to read
      }
    }
    return new long[] {
      ProcStats.cpuNanos(cluster.logicPid()),
      ProcStats.cpuNanos(cluster.jobPid()),
      ProcStats.cpuNanos(cluster.cometPid()),
      redisCpu
    };
  }

  private static String perPush(long before, long after, long pushes) {
    if (before < 0 || after < 0 || pushes == 0) {
      return "-";
    }
    return String.format("%.3f", (after - before) / 1e6 / pushes);
  }
}
