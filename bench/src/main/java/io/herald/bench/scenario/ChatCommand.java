package io.herald.bench.scenario;

import io.herald.bench.proc.ProcStats;
import io.herald.testkit.LocalKafka;
import io.herald.testkit.LocalPostgres;
import io.herald.wire.chat.ChatNotice;
import io.herald.wire.chat.Conversation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Chat (issue 16): messages per second and end-to-end latency of one-to-one conversations and of
 * groups by write fan-out (each member's inbox gets each message) and read fan-out (one row; online
 * members get a notice in room {@code chat://<id>} and pull), with what each message costs: rows
 * and bytes in PostgreSQL, bytes in Redis, CPU of every server; then the cost of a member's
 * catch-up by SYNC (write fan-out) and by CHAT_HISTORY (read fan-out).
 *
 * <p>Logic keeps sessions and inboxes in a {@code redis-server} and conversations in PostgreSQL
 * (its {@code im:} database), with Kafka, Job and one Comet, each in its own JVM; the chat clients
 * ({@link ChatFleet}) are protocol version 2 connections in this process. A group's fan-out mode is
 * Logic's rule: {@code --threshold} is {@code im.writeFanoutMaxMembers}.
 */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description =
        "Chat sends per second, end-to-end latency and cost per message (one-to-one, write and"
            + " read fan-out groups) on Redis, Kafka and PostgreSQL, and a member's catch-up cost.")
public final class ChatCommand implements Callable<Integer> {
  @Option(
      names = "--one-to-one",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "measure one-to-one: each sender a pair of users, both online")
  boolean oneToOne;

  @Option(
      names = "--groups",
      split = ",",
      defaultValue = "100:100,10000:1000",
      description =
          "groups measured, members:online each; the mode is Logic's (--threshold); senders are"
              + " online members")
  List<String> groups;

  @Option(
      names = "--senders",
      split = ",",
      defaultValue = "1,4,16",
      description = "sender connections, each with --in-flight sends outstanding, swept per case")
  List<Integer> senders;

  @Option(names = "--in-flight", defaultValue = "1", description = "sends outstanding per sender")
  int inFlight;

  @Option(
      names = "--threshold",
      defaultValue = "500",
      description = "Logic's im.writeFanoutMaxMembers for the run")
  int threshold;

  @Option(
      names = "--pull",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "online read fan-out members pull (CHAT_HISTORY) on each notice")
  boolean pull;

  @Option(names = "--history-limit", defaultValue = "100", description = "messages per pull")
  int historyLimit;

  @Option(names = "--duration", defaultValue = "10", description = "seconds per step")
  int durationSeconds;

  @Option(names = "--warmup", defaultValue = "5", description = "seconds before each case")
  int warmupSeconds;

  @Option(names = "--size", defaultValue = "64", description = "content bytes per message")
  int size;

  @Option(
      names = "--sync-messages",
      defaultValue = "100",
      description = "messages a member missed and catches up on (0: no catch-up)")
  int syncMessages;

  @Option(names = "--sync-repeats", defaultValue = "10", description = "timed catch-ups per mode")
  int syncRepeats;

  @Option(
      names = "--sync-limit",
      defaultValue = "100",
      description = "messages asked per SYNC and per CHAT_HISTORY")
  int syncLimit;

  @Option(names = "--db-pool", defaultValue = "8", description = "Logic's im.database.poolSize")
  int dbPool;

  @Option(names = "--client-threads", defaultValue = "2")
  int clientThreads;

  @Option(names = "--kafka", defaultValue = "", description = "running Kafka; empty: start one")
  String kafka;

  @Option(names = "--redis", defaultValue = "", description = "running Redis; empty: start one")
  String redis;

  @Option(
      names = "--postgres",
      defaultValue = "",
      description =
          "JDBC URL of a running PostgreSQL (its currentSchema gets the tables); empty: start one")
  String postgres;

  @Option(names = "--heap", defaultValue = "1g")
  String heap;

  @Option(
      names = "--settle-db-stats",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "wait (11 s a step) for PostgreSQL's statistics to settle before reading rows and bytes;"
              + " --no-settle-db-stats reads at once, for smoke runs (the figures may lag)")
  boolean settleDbStats;

  private static final int PARTITIONS = 4;
  private static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

  /**
   * One measured step of a case.
   *
   * @param kind "one-to-one", "write" or "read"
   * @param members users in the conversation; {@code online} of them connected
   * @param expected deliveries due (write: ok × online devices; read: notices, ok × online)
   * @param delivered write: op-26 chat messages received; read: notices received
   * @param pulled read: messages brought by pulls (due: ok × online)
   * @param cpuMs CPU ms per message of Logic, Job, the Comet, Redis, PostgreSQL
   */
  public record Step(
      String kind,
      int members,
      int online,
      int senders,
      long sent,
      long ok,
      long refused,
      double perSecond,
      Histogram reply,
      Histogram delivery,
      Histogram content,
      long expected,
      long delivered,
      long pulled,
      long pulls,
      long pullErrors,
      double dbRowsPerMessage,
      double dbBytesPerMessage,
      double commitsPerMessage,
      double redisBytesPerMessage,
      double[] cpuMs) {
    double cpuTotal() {
      double total = 0;
      for (double ms : cpuMs) {
        total += Math.max(0, ms);
      }
      return total;
    }
  }

  /** One mode's catch-ups. */
  public record SyncCase(String mode, List<ChatSync.Outcome> outcomes) {
    long percentileNanos(double percentile) {
      List<Long> sorted = outcomes.stream().map(ChatSync.Outcome::nanos).sorted().toList();
      int rank = (int) Math.ceil(percentile / 100 * sorted.size());
      return sorted.get(Math.max(0, rank - 1));
    }
  }

  private final List<Step> steps = new ArrayList<>();
  private final List<SyncCase> syncs = new ArrayList<>();
  private long nextMid = System.currentTimeMillis() * 1_000;

  public List<Step> steps() {
    return List.copyOf(steps);
  }

  public List<SyncCase> syncs() {
    return List.copyOf(syncs);
  }

  @Override
  public Integer call() throws Exception {
    validate();
    Path dir = Files.createTempDirectory("herald-bench-chat");
    LocalKafka startedKafka = null;
    LocalPostgres startedPostgres = null;
    try {
      String bootstrap = kafka;
      String topic;
      if (bootstrap.isEmpty()) {
        startedKafka = LocalKafka.start("bench-");
        bootstrap = startedKafka.broker().bootstrapServers();
        topic = startedKafka.broker().newTopic(PARTITIONS);
      } else {
        topic = UnicastCommand.createTopic(bootstrap);
      }
      String jdbcUrl = postgres;
      long postgresPid = -1;
      if (jdbcUrl.isEmpty()) {
        startedPostgres = LocalPostgres.start("bench_chat");
        jdbcUrl = startedPostgres.jdbcUrl();
        postgresPid = startedPostgres.pid().orElse(-1L);
      }
      run(dir, bootstrap, topic, jdbcUrl, postgresPid);
    } finally {
      if (startedPostgres != null) {
        startedPostgres.close();
      }
      if (startedKafka != null) {
        startedKafka.close();
      }
    }
    return 0;
  }

  private void validate() {
    for (String group : groups) {
      int[] spec = spec(group);
      if (spec[0] < 3 || spec[1] < 1 || spec[1] > spec[0] || spec[0] > 10_000) {
        throw new IllegalArgumentException(
            "--groups: "
                + group
                + " (expected: members:online, 3 <= members <= 10000, 1 <= online"
                + " <= members)");
      }
      if (senders.stream().anyMatch(s -> s > spec[1])) {
        throw new IllegalArgumentException(
            "--senders " + senders + " for group " + group + " (expected: at most its online)");
      }
    }
    if (senders.stream().anyMatch(s -> s < 1) || inFlight < 1 || size < 8) {
      throw new IllegalArgumentException(
          "--senders "
              + senders
              + ", --in-flight "
              + inFlight
              + ", --size "
              + size
              + " (expected: >= 1, >= 1, >= 8)");
    }
  }

  private static int[] spec(String group) {
    String[] parts = group.split(":");
    if (parts.length != 2) {
      throw new IllegalArgumentException("--groups: " + group + " (expected: members:online)");
    }
    return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
  }

  private String imSection(String jdbcUrl) {
    return "{enabled: true, database: {url: '"
        + jdbcUrl
        + "', poolSize: "
        + dbPool
        + "}, writeFanoutMaxMembers: "
        + threshold
        + ", sendsPerSecond: 100000, sendBurst: 100000, historyLimit: "
        + Math.min(historyLimit, 200)
        + "}";
  }

  private void run(Path dir, String bootstrap, String topic, String jdbcUrl, long postgresPid)
      throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, "", "")) {
      if (redis.isEmpty()) {
        cluster.withRedis();
      } else {
        cluster.useRedis(redis);
      }
      cluster.withKafka(bootstrap, topic);
      cluster.withIm(imSection(jdbcUrl));
      cluster.start(heap);
      System.out.printf(
          "chat %s: %d-byte messages, im.writeFanoutMaxMembers %d, closed loop of %s senders"
              + " x %d in flight, %d s per step; Kafka %s, Redis %s, PostgreSQL %s (logs in %s)%n",
          LocalDate.now(ZoneOffset.UTC),
          size,
          threshold,
          senders,
          inFlight,
          durationSeconds,
          bootstrap,
          cluster.redisUri(),
          jdbcUrl.replaceAll("password=[^&]*", "password=…"),
          dir);
      Meter meter = new Meter(cluster, jdbcUrl, postgresPid, settleDbStats);
      ImAdmin admin = new ImAdmin(cluster.logicHttpPort());
      System.out.println(
          "case | senders | sent/s | refused | reply p50/p99 ms | delivery p50/p99/max ms"
              + " (read: notice) | content p50/p99 ms (read: pulled) | delivered | DB rows, bytes,"
              + " commits per msg | Redis B per msg | CPU ms per msg: Logic, Job, Comet, Redis,"
              + " PostgreSQL = total");
      try (ChatFleet fleet =
          new ChatFleet(cluster.cometTcpPort, size, historyLimit, clientThreads)) {
        if (oneToOne) {
          oneToOne(fleet, meter);
        }
        for (String group : groups) {
          int[] spec = spec(group);
          group(fleet, meter, admin, spec[0], spec[1]);
        }
      }
      if (syncMessages > 0) {
        syncCases(cluster, admin);
      }
    }
  }

  private void oneToOne(ChatFleet fleet, Meter meter) throws Exception {
    int pairs = senders.stream().max(Integer::compare).orElseThrow();
    List<ChatFleet.Member> from = connect(fleet, pairs);
    List<ChatFleet.Member> to = connect(fleet, pairs);
    measure(
        fleet,
        meter,
        "one-to-one",
        2,
        2,
        count -> {
          for (int i = 0; i < count; i++) {
            from.get(i).startSending(Conversation.user(to.get(i).mid), inFlight);
          }
          return from.subList(0, count);
        },
        count -> 2L,
        List.of());
  }

  private void group(ChatFleet fleet, Meter meter, ImAdmin admin, int members, int online)
      throws Exception {
    List<Long> mids = mids(members);
    ImAdmin.Created group = admin.create("bench-" + members, mids);
    boolean read = group.mode().equals("read");
    List<ChatFleet.Member> connected = connect(fleet, mids.subList(0, online));
    if (read) {
      List<CompletableFuture<Void>> joins = new ArrayList<>();
      for (ChatFleet.Member member : connected) {
        member.readFanout(Conversation.group(group.id()), 0, pull);
        joins.add(member.join(ChatNotice.room(group.id())));
      }
      CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new))
          .get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    fleet.clearSeqs();
    measure(
        fleet,
        meter,
        read ? "read" : "write",
        members,
        online,
        count -> {
          for (int i = 0; i < count; i++) {
            connected.get(i).startSending(Conversation.group(group.id()), inFlight);
          }
          return connected.subList(0, count);
        },
        count -> (long) online,
        read ? connected : List.of());
  }

  /** Starts {@code count} senders, returns them. */
  private interface Senders {
    List<ChatFleet.Member> start(int count);
  }

  /** Deliveries due per message sent OK. */
  private interface Due {
    long perMessage(int count);
  }

  private void measure(
      ChatFleet fleet,
      Meter meter,
      String kind,
      int members,
      int online,
      Senders start,
      Due due,
      List<ChatFleet.Member> readers)
      throws Exception {
    boolean read = kind.equals("read");
    if (warmupSeconds > 0) {
      ChatFleet.Window warm = fleet.begin();
      List<ChatFleet.Member> sending = start.start(senders.get(0));
      Thread.sleep(warmupSeconds * 1000L);
      ChatFleet.end(warm);
      stop(sending);
      drain(warm, warm.ok.sum() * due.perMessage(senders.get(0)), read, readers);
    }
    // Each step's end is the next one's start: the servers are idle in between.
    Meter.Snapshot before = meter.snapshot();
    for (int count : senders) {
      ChatFleet.Window window = fleet.begin();
      List<ChatFleet.Member> sending = start.start(count);
      Thread.sleep(durationSeconds * 1000L);
      ChatFleet.end(window);
      double seconds = (window.end - window.start) / 1e9;
      stop(sending);
      long expected = window.ok.sum() * due.perMessage(count);
      drain(window, expected, read, readers);
      fleet.settleEarlyNotices(window);
      Meter.Snapshot after = meter.snapshot();
      long ok = window.ok.sum();
      Step step =
          new Step(
              kind,
              members,
              online,
              count,
              window.sent.sum(),
              ok,
              window.refused.sum(),
              ok / seconds,
              ChatFleet.histogram(window.reply),
              ChatFleet.histogram(read ? window.notice : window.delivery),
              ChatFleet.histogram(window.content),
              expected,
              read ? window.notices.sum() : window.delivered.sum(),
              window.pulled.sum(),
              window.pulls.sum(),
              window.pullErrors.sum(),
              per(after.written() - before.written(), ok),
              per(after.dbBytes() - before.dbBytes(), ok),
              per(after.commits() - before.commits(), ok),
              per(after.redisBytes() - before.redisBytes(), ok),
              Meter.cpuPerMessage(before, after, ok));
      steps.add(step);
      print(step, window);
      before = after;
    }
  }

  private static double per(long amount, long messages) {
    return messages == 0 ? 0 : amount / (double) messages;
  }

  private static void stop(List<ChatFleet.Member> sending) throws Exception {
    CompletableFuture.allOf(
            sending.stream().map(ChatFleet.Member::stopSending).toArray(CompletableFuture[]::new))
        .get(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Waits (bounded) until what was due arrived: deliveries, or every reader's pulls. */
  private static void drain(
      ChatFleet.Window window, long expected, boolean read, List<ChatFleet.Member> readers)
      throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      boolean done;
      if (read) {
        done = window.pulled.sum() >= expected || readers.isEmpty();
      } else {
        done = window.delivered.sum() >= expected;
      }
      if (done) {
        return;
      }
      Thread.sleep(50);
    }
  }

  private void print(Step step, ChatFleet.Window window) {
    boolean read = step.kind().equals("read");
    String name =
        step.kind().equals("one-to-one")
            ? "one-to-one"
            : step.kind() + " " + step.members() + " (" + step.online() + " online)";
    double[] cpu = step.cpuMs();
    System.out.printf(
        "%s | %d | %,.0f (%,d sent) | %,d | %.1f/%.1f | %.1f/%.1f/%.1f | %s | %,d of %,d%s | %.2f, %,.0f, %.2f"
            + " | %,.0f | %s, %s, %s, %s, %s = %.2f%n",
        name,
        step.senders(),
        step.perSecond(),
        step.sent(),
        step.refused(),
        ms(step.reply(), 50),
        ms(step.reply(), 99),
        ms(step.delivery(), 50),
        ms(step.delivery(), 99),
        step.delivery().getMaxValue() / 1e3,
        read && step.pulls() > 0
            ? String.format(
                "%.1f/%.1f (%,d of %,d by %,d pulls, %,d refused)",
                ms(step.content(), 50),
                ms(step.content(), 99),
                step.pulled(),
                step.expected(),
                step.pulls(),
                step.pullErrors())
            : "-",
        step.delivered(),
        step.expected(),
        read ? " notices" : "",
        step.dbRowsPerMessage(),
        step.dbBytesPerMessage(),
        step.commitsPerMessage(),
        step.redisBytesPerMessage(),
        fmt(cpu[0]),
        fmt(cpu[1]),
        fmt(cpu[2]),
        fmt(cpu[3]),
        fmt(cpu[4]),
        step.cpuTotal());
    String refusal = window.firstRefusal.get("first");
    if (refusal != null) {
      System.out.println("  first refusal: " + refusal);
    }
  }

  private static double ms(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1e3;
  }

  private static String fmt(double ms) {
    return ms < 0 ? "-" : String.format("%.3f", ms);
  }

  private List<Long> mids(int count) {
    List<Long> mids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      mids.add(nextMid++);
    }
    return mids;
  }

  private List<ChatFleet.Member> connect(ChatFleet fleet, int count) throws Exception {
    return connect(fleet, mids(count));
  }

  private static List<ChatFleet.Member> connect(ChatFleet fleet, List<Long> mids) throws Exception {
    List<CompletableFuture<ChatFleet.Member>> pending = new ArrayList<>();
    List<ChatFleet.Member> members = new ArrayList<>();
    for (int i = 0; i < mids.size(); i++) {
      pending.add(fleet.connect(mids.get(i)));
      if (pending.size() == 200 || i == mids.size() - 1) {
        for (CompletableFuture<ChatFleet.Member> member : pending) {
          try {
            members.add(member.get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
          } catch (TimeoutException e) {
            throw new IllegalStateException("a chat client did not AUTH in " + CONNECT_TIMEOUT, e);
          }
        }
        pending.clear();
      }
    }
    return members;
  }

  /**
   * A member's catch-up on {@code --sync-messages} it missed: a write fan-out group and a read
   * fan-out group, each of fresh users, get one message (which the devices take first) and then
   * {@code --sync-messages} from one online sender; then offline members catch up one by one.
   */
  private void syncCases(LocalCluster cluster, ImAdmin admin) throws Exception {
    System.out.printf(
        "Catch-up of %d missed messages by a device holding the first, %d per request, %d timed"
            + " members per mode after 1 (fresh users; one member sends)%n",
        syncMessages, syncLimit, syncRepeats);
    System.out.println("mode | requests | p50 ms | p99 ms | max ms | bytes");
    int writeMembers = Math.max(syncRepeats + 2, Math.min(100, threshold));
    if (writeMembers <= threshold) {
      syncCase(cluster, admin, writeMembers, "write (SYNC)");
    }
    int readMembers = Math.max(syncRepeats + 2, threshold + 1);
    if (readMembers <= 10_000) {
      syncCase(cluster, admin, readMembers, "read (CHAT_HISTORY)");
    }
  }

  private void syncCase(LocalCluster cluster, ImAdmin admin, int members, String mode)
      throws Exception {
    List<Long> mids = mids(members);
    ImAdmin.Created group = admin.create("bench-sync-" + members, mids);
    boolean read = group.mode().equals("read");
    try (ChatFleet fleet = new ChatFleet(cluster.cometTcpPort, size, historyLimit, 1)) {
      ChatFleet.Member sender = connect(fleet, mids.subList(0, 1)).get(0);
      sender
          .sendExactly(Conversation.group(group.id()), 1 + syncMessages)
          .get(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    List<ChatSync.Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i <= syncRepeats; i++) {
      long mid = mids.get(1 + i);
      ChatSync.Outcome outcome =
          read
              ? ChatSync.history(
                  cluster.cometTcpPort, mid, group.id(), syncMessages, syncLimit, REPLY_TIMEOUT)
              : ChatSync.inbox(cluster.cometTcpPort, mid, syncMessages, syncLimit, REPLY_TIMEOUT);
      if (i > 0) {
        outcomes.add(outcome);
      }
    }
    SyncCase done = new SyncCase(read ? "read (CHAT_HISTORY)" : "write (SYNC)", outcomes);
    syncs.add(done);
    System.out.printf(
        "%s | %d | %.1f | %.1f | %.1f | %,d%n",
        done.mode(),
        outcomes.get(0).roundTrips(),
        done.percentileNanos(50) / 1e6,
        done.percentileNanos(99) / 1e6,
        done.percentileNanos(100) / 1e6,
        outcomes.get(0).bytes());
    if (!done.mode().equals(mode)) {
      System.out.println("  (Logic made the group " + group.mode() + ", not " + mode + ")");
    }
  }

  /** What the servers hold and spent, read from outside. */
  private static final class Meter {
    private final LocalCluster cluster;
    private final String jdbcUrl;
    private final long postgresPid;
    private final long redisPid;
    private final boolean settle;

    Meter(LocalCluster cluster, String jdbcUrl, long postgresPid, boolean settle) {
      this.cluster = cluster;
      this.jdbcUrl = jdbcUrl;
      this.postgresPid = postgresPid;
      this.settle = settle;
      long pid;
      try {
        pid = RedisInfo.pid(cluster.redisUri());
      } catch (IOException | NumberFormatException e) {
        pid = -1;
      }
      this.redisPid = pid;
    }

    record Snapshot(long written, long dbBytes, long commits, long redisBytes, long[] cpuNanos) {}

    Snapshot snapshot() throws Exception {
      PgStats db = settle ? PgStats.settled(jdbcUrl) : PgStats.read(jdbcUrl);
      long redisBytes = RedisInfo.usedMemory(cluster.redisUri());
      long[] cpu = {
        ProcStats.cpuNanos(cluster.logicPid()),
        ProcStats.cpuNanos(cluster.jobPid()),
        ProcStats.cpuNanos(cluster.cometPid()),
        cpu(redisPid),
        treeCpu(postgresPid)
      };
      return new Snapshot(db.totalWritten(), db.totalBytes(), db.commits(), redisBytes, cpu);
    }

    static double[] cpuPerMessage(Snapshot before, Snapshot after, long messages) {
      double[] ms = new double[before.cpuNanos().length];
      for (int i = 0; i < ms.length; i++) {
        long a = before.cpuNanos()[i];
        long b = after.cpuNanos()[i];
        ms[i] = a < 0 || b < 0 || messages == 0 ? -1 : (b - a) / 1e6 / messages;
      }
      return ms;
    }

    private static long cpu(long pid) {
      if (pid <= 0) {
        return -1;
      }
      try {
        return ProcStats.cpuNanos(pid);
      } catch (IOException e) {
        return -1;
      }
    }

    /** The postmaster and its backends. */
    private static long treeCpu(long pid) {
      if (pid <= 0) {
        return -1;
      }
      long total = cpu(pid);
      if (total < 0) {
        return -1;
      }
      var root = ProcessHandle.of(pid);
      if (root.isPresent()) {
        for (ProcessHandle child : root.get().descendants().toList()) {
          total += Math.max(0, cpu(child.pid()));
        }
      }
      return total;
    }
  }
}
