package io.herald.bench.scenario;

import io.herald.bench.proc.ProcStats;
import io.herald.testkit.LocalKafka;
import io.herald.testkit.cluster.ServiceMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Overload and back-pressure (docs/operations.md "Overload"), in three steps, each on a cluster of
 * its own (Redis, a Kafka broker, Logic, one Comet, Job; all on loopback):
 *
 * <ul>
 *   <li>{@code push}: measures the push API's sustainable rate (closed loop), then drives {@code
 *       --overdrive} times that rate open-loop for {@code --duration}; reports the answers by kind
 *       (accepted, 429, other), the accepted rate, p99, and Logic's heap after GC and RSS over time
 *       against its bounds;
 *   <li>{@code storm}: holds {@code --held} authenticated connections, then opens {@code
 *       --storm-connections} at once, above the Comet's {@code limits.maxHandshakes} and {@code
 *       limits.maxConnections}: how many are accepted and refused, and whether the held ones still
 *       answer;
 *   <li>{@code lag}: stops Job, has {@code --lag-pushes} pushes accepted, starts Job, and times the
 *       backlog's drain, sampling Job's heap after GC and RSS.
 * </ul>
 */
@Command(
    name = "overload",
    mixinStandardHelpOptions = true,
    description = "Push API at 10x its sustainable rate, a connect storm, a Job lag spike.")
public final class OverloadCommand implements Callable<Integer> {
  @Option(names = "--steps", defaultValue = "push,storm,lag", split = ",")
  List<String> steps;

  @Option(names = "--probe-seconds", defaultValue = "10")
  int probeSeconds;

  @Option(names = "--probe-outstanding", defaultValue = "64")
  int probeOutstanding;

  @Option(names = "--duration", defaultValue = "60", description = "the overdrive's seconds")
  int durationSeconds;

  @Option(names = "--overdrive", defaultValue = "10")
  double overdrive;

  @Option(names = "--max-outstanding", defaultValue = "20000")
  int maxOutstanding;

  @Option(names = "--size", defaultValue = "256", description = "push body bytes")
  int size;

  @Option(names = "--pushes-in-flight", defaultValue = "1000")
  int pushesInFlight;

  @Option(names = "--push-bytes-in-flight", defaultValue = "8388608")
  long pushBytesInFlight;

  @Option(names = "--sample-every", defaultValue = "10", description = "seconds")
  int sampleSeconds;

  @Option(names = "--held", defaultValue = "200")
  int held;

  @Option(names = "--storm-connections", defaultValue = "6000")
  int stormConnections;

  @Option(names = "--storm-threads", defaultValue = "64")
  int stormThreads;

  @Option(names = "--max-handshakes", defaultValue = "256")
  int maxHandshakes;

  @Option(names = "--max-connections", defaultValue = "4000")
  int maxConnections;

  @Option(names = "--lag-pushes", defaultValue = "100000")
  long lagPushes;

  @Option(names = "--kafka", defaultValue = "", description = "a running Kafka; empty: start one")
  String kafka;

  @Option(
      names = "--one-cluster",
      description =
          "run every step on one cluster, one after another (quicker, for the smoke test); by"
              + " default each step has a cluster of its own")
  boolean oneCluster;

  /**
   * What a run measured, for tests: the push step's answers during the overdrive, the storm's
   * connections, the lag's drain; zero for a step not run.
   *
   * @param overdriveOther answers that were neither accepted nor a 429: errors and timeouts
   * @param heldAnswering held connections that answered a heartbeat after the storm
   */
  public record Outcome(
      long overdriveAccepted,
      long overdriveRefused,
      long overdriveOther,
      long stormAccepted,
      long stormRefused,
      long stormUnanswered,
      long held,
      long heldAnswering,
      long lagPushes,
      boolean lagDrained) {}

  private long overdriveAccepted;
  private long overdriveRefused;
  private long overdriveOther;
  private long stormAccepted;
  private long stormRefused;
  private long stormUnanswered;
  private long heldConnections;
  private long heldAnswering;
  private long lagAccepted;
  private boolean lagDrained;

  public Outcome outcome() {
    return new Outcome(
        overdriveAccepted,
        overdriveRefused,
        overdriveOther,
        stormAccepted,
        stormRefused,
        stormUnanswered,
        heldConnections,
        heldAnswering,
        lagAccepted,
        lagDrained);
  }

  @Override
  public Integer call() throws Exception {
    for (String step : steps) {
      if (!List.of("push", "storm", "lag").contains(step)) {
        throw new IllegalArgumentException("--steps: " + step + " (expected: push, storm, lag)");
      }
    }
    if (oneCluster) {
      run(steps);
    } else {
      for (String step : steps) {
        run(List.of(step));
      }
    }
    return 0;
  }

  /** Runs {@code these} steps in turn on one cluster of their own. */
  private void run(List<String> these) throws Exception {
    Path dir = Files.createTempDirectory("herald-bench-overload-" + String.join("-", these));
    LocalKafka started = null;
    try {
      String bootstrap = kafka;
      String topic;
      if (bootstrap.isEmpty()) {
        started = LocalKafka.start("bench-");
        bootstrap = started.broker().bootstrapServers();
        topic = started.broker().newTopic(4);
      } else {
        topic = UnicastCommand.createTopic(bootstrap);
      }
      try (LocalCluster cluster = new LocalCluster(dir, "", "")) {
        cluster.withRedis();
        cluster.withKafka(bootstrap, topic);
        cluster.withEnv(
            Map.of(
                "LOGIC_OVERLOAD_PUSHESINFLIGHT", Integer.toString(pushesInFlight),
                "LOGIC_OVERLOAD_PUSHBYTESINFLIGHT", Long.toString(pushBytesInFlight)),
            Map.of(
                "COMET_LIMITS_MAXHANDSHAKES", Integer.toString(maxHandshakes),
                "COMET_LIMITS_MAXCONNECTIONS", Integer.toString(maxConnections)));
        cluster.start("512m");
        for (String step : these) {
          System.out.printf(
              "overload %s %s: logs in %s%n", step, LocalDate.now(ZoneOffset.UTC), dir);
          switch (step) {
            case "push" -> push(cluster);
            case "storm" -> storm(cluster);
            default -> lag(cluster);
          }
        }
      }
    } finally {
      if (started != null) {
        started.close();
      }
    }
  }

  private void push(LocalCluster cluster) throws Exception {
    try (PushDriver driver = new PushDriver(cluster.logicHttpPort(), size)) {
      driver.closedLoop(probeOutstanding, Duration.ofSeconds(3)); // warm-up
      PushDriver.Counts probe =
          driver.closedLoop(probeOutstanding, Duration.ofSeconds(probeSeconds));
      double sustainable = probe.ok.sum() / (double) probeSeconds;
      System.out.printf(
          "sustainable (closed loop, %d outstanding, %d s): %,.0f pushes/s accepted, p99 %.1f ms,"
              + " %d refused, %d errors%n",
          probeOutstanding,
          probeSeconds,
          sustainable,
          probe.okLatency.getValueAtPercentile(99) / 1e3,
          probe.overloaded.sum(),
          probe.errors.sum());
      double rate = sustainable * overdrive;
      System.out.printf(
          "overdrive: %,.0f pushes/s open loop for %d s; Logic bounds: overload.pushesInFlight %d,"
              + " pushBytesInFlight %d, -Xmx512m%n",
          rate, durationSeconds, pushesInFlight, pushBytesInFlight);
      System.out.println(
          "t s | accepted/s | 429/s | other/s | in flight | heap after GC MiB | RSS MiB");
      List<long[]> samples = new ArrayList<>();
      long[] last = new long[4];
      long startNanos = System.nanoTime();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      PushDriver.Counts[] running = new PushDriver.Counts[1];
      Runnable sample =
          () -> {
            PushDriver.Counts c = running[0];
            if (c == null) {
              return;
            }
            try {
              double seconds = sampleSeconds;
              long ok = c.ok.sum();
              long refused = c.overloaded.sum();
              long errors = c.errors.sum();
              double inFlight =
                  cluster.logicMetrics().value("herald_logic_inflight", "kind", "push");
              long heap = ProcStats.heapAfterGc(cluster.logicPid());
              long rss = ProcStats.rssBytes(cluster.logicPid());
              long t = (System.nanoTime() - startNanos) / 1_000_000_000L;
              System.out.printf(
                  "%3d | %,.0f | %,.0f | %,.0f | %.0f | %.1f | %.1f%n",
                  t,
                  (ok - last[0]) / seconds,
                  (refused - last[1]) / seconds,
                  (errors - last[2]) / seconds,
                  inFlight,
                  heap / 1048576.0,
                  rss / 1048576.0);
              samples.add(new long[] {heap, rss});
              last[0] = ok;
              last[1] = refused;
              last[2] = errors;
            } catch (Exception e) {
              System.out.println("(sample failed: " + e + ")");
            }
          };
      PushDriver.Counts over;
      try {
        running[0] = new PushDriver.Counts();
        // The driver fills its own counts; the sampler reads them through this holder.
        sampler.scheduleAtFixedRate(
            sample, sampleSeconds * 1000L, sampleSeconds * 1000L, TimeUnit.MILLISECONDS);
        over =
            driver.openLoop(
                rate, Duration.ofSeconds(durationSeconds), maxOutstanding, () -> {}, running);
      } finally {
        sampler.shutdownNow();
        sampler.awaitTermination(30, TimeUnit.SECONDS);
      }
      overdriveAccepted = over.ok.sum();
      overdriveRefused = over.overloaded.sum();
      overdriveOther = over.errors.sum();
      double seconds = durationSeconds;
      Histogram ok = over.okLatency;
      System.out.printf(
          "overdrive answers: %,d sent, %,d accepted (code 0), %,d refused 429 (code -503), %,d"
              + " other (errors, timeouts); %,d not sent (generator at %d outstanding)%n",
          over.sent.sum(),
          over.ok.sum(),
          over.overloaded.sum(),
          over.errors.sum(),
          over.notSent.sum(),
          maxOutstanding);
      System.out.printf(
          "accepted %,.0f pushes/s (%.0f%% of sustainable); accepted p50 %.1f ms, p99 %.1f ms, max"
              + " %.1f ms; refused p99 %.1f ms%n",
          over.ok.sum() / seconds,
          100 * over.ok.sum() / seconds / sustainable,
          ok.getValueAtPercentile(50) / 1e3,
          ok.getValueAtPercentile(99) / 1e3,
          ok.getMaxValue() / 1e3,
          over.refusedLatency.getValueAtPercentile(99) / 1e3);
      long maxHeap = samples.stream().mapToLong(s -> s[0]).max().orElse(0);
      long maxRss = samples.stream().mapToLong(s -> s[1]).max().orElse(0);
      System.out.printf(
          "Logic during the overdrive: heap after GC at most %.1f MiB, RSS at most %.1f MiB"
              + " (-Xmx512m)%n",
          maxHeap / 1048576.0, maxRss / 1048576.0);
      ServiceMetrics logic = cluster.logicMetrics();
      System.out.printf(
          "Logic counted %.0f refused (herald_logic_overloaded_total{kind=push}), in flight now"
              + " %.0f%n",
          logic.value("herald_logic_overloaded_total", "kind", "push"),
          logic.value("herald_logic_inflight", "kind", "push"));
    }
  }

  private void storm(LocalCluster cluster) throws Exception {
    try (StormClients before = new StormClients(cluster.cometTcpPort);
        StormClients storm = new StormClients(cluster.cometTcpPort)) {
      StormClients.Outcome heldOutcome = before.storm(held, 8, 1);
      System.out.printf(
          "held: %d connections authenticated before the storm (%d refused)%n",
          heldOutcome.accepted(), heldOutcome.refused());
      StormClients.Outcome outcome = storm.storm(stormConnections, stormThreads, 1_000_000);
      System.out.printf(
          "storm: %,d connections from %d threads in %.2f s: %,d accepted, %,d refused (closed at"
              + " once), %,d unanswered in 30 s; Comet limits maxHandshakes %d, maxConnections %d%n",
          stormConnections,
          stormThreads,
          outcome.seconds(),
          outcome.accepted(),
          outcome.refused(),
          outcome.unanswered(),
          maxHandshakes,
          maxConnections);
      ServiceMetrics comet = cluster.cometMetrics();
      System.out.printf(
          "Comet counted: max_handshakes %.0f, max_connections %.0f, per_ip %.0f, per_ip_rate %.0f;"
              + " handshakes ok %.0f, error %.0f, rejected %.0f%n",
          comet.value("herald_comet_rate_limited_total", "kind", "max_handshakes"),
          comet.value("herald_comet_rate_limited_total", "kind", "max_connections"),
          comet.value("herald_comet_rate_limited_total", "kind", "per_ip"),
          comet.value("herald_comet_rate_limited_total", "kind", "per_ip_rate"),
          comet.value("herald_comet_handshakes_total", "result", "ok"),
          comet.value("herald_comet_handshakes_total", "result", "error"),
          comet.value("herald_comet_handshakes_total", "result", "rejected"));
      List<java.net.Socket> heldSockets = before.open();
      stormAccepted = outcome.accepted();
      stormRefused = outcome.refused();
      stormUnanswered = outcome.unanswered();
      heldConnections = heldSockets.size();
      heldAnswering = StormClients.heartbeats(heldSockets);
      System.out.printf(
          "held connections answering a heartbeat after the storm: %d of %d%n",
          heldAnswering, heldSockets.size());
      long rss = ProcStats.rssBytes(cluster.cometPid());
      long heap = ProcStats.heapAfterGc(cluster.cometPid());
      System.out.printf(
          "Comet after the storm: heap after GC %.1f MiB, RSS %.1f MiB%n",
          heap / 1048576.0, rss / 1048576.0);
    }
  }

  private void lag(LocalCluster cluster) throws Exception {
    try (PushDriver driver = new PushDriver(cluster.logicHttpPort(), size)) {
      driver.send(2000, probeOutstanding); // warm-up, delivered before Job stops
      TimeUnit.SECONDS.sleep(2);
      double consumedBefore = consumed(cluster);
      cluster.stopJob();
      long started = System.nanoTime();
      PushDriver.Counts pushed = driver.send(lagPushes, probeOutstanding);
      System.out.printf(
          "Job stopped; %,d pushes accepted in %.1f s (%d refused, %d errors)%n",
          pushed.ok.sum(),
          (System.nanoTime() - started) / 1e9,
          pushed.overloaded.sum(),
          pushed.errors.sum());
      long restarted = System.nanoTime();
      cluster.startJob();
      System.out.printf(
          "Job started again: ready in %.1f s%n", (System.nanoTime() - restarted) / 1e9);
      System.out.println("t s | consumed | lag | in flight | heap after GC MiB | RSS MiB");
      long maxHeap = 0;
      long maxRss = 0;
      double maxInFlight = 0;
      double target = pushed.ok.sum();
      double consumed = 0;
      long deadline = restarted + TimeUnit.MINUTES.toNanos(4);
      double lag = 1;
      double inFlight = 1;
      while ((consumed < target || lag > 0 || inFlight > 0) && System.nanoTime() < deadline) {
        TimeUnit.SECONDS.sleep(2);
        ServiceMetrics job = cluster.jobMetrics();
        consumed = job.sum("herald_job_records_consumed_total", "") - 0;
        lag = job.value("herald_job_consumer_lag");
        inFlight = job.value("herald_job_consumer_inflight");
        long heap = ProcStats.heapAfterGc(cluster.jobPid());
        long rss = ProcStats.rssBytes(cluster.jobPid());
        maxHeap = Math.max(maxHeap, heap);
        maxRss = Math.max(maxRss, rss);
        maxInFlight = Math.max(maxInFlight, inFlight);
        System.out.printf(
            "%3.0f | %,.0f | %,.0f | %,.0f | %.1f | %.1f%n",
            (System.nanoTime() - restarted) / 1e9,
            consumed,
            lag,
            inFlight,
            heap / 1048576.0,
            rss / 1048576.0);
      }
      double drained = (System.nanoTime() - restarted) / 1e9;
      lagAccepted = pushed.ok.sum();
      lagDrained = consumed >= target && lag == 0 && inFlight == 0;
      System.out.printf(
          "backlog of %,.0f pushes %s in %.1f s after the restart (%,.0f pushes/s, sampled every"
              + " 2 s); Job: in flight at most %.0f (kafka.maxInFlightPerPartition 1000 x 4"
              + " partitions), heap after GC at most %.1f MiB, RSS at most %.1f MiB (-Xmx512m);"
              + " consumed before the stop %.0f%n",
          target,
          lagDrained ? "drained" : "NOT drained",
          drained,
          target / drained,
          maxInFlight,
          maxHeap / 1048576.0,
          maxRss / 1048576.0,
          consumedBefore);
    }
  }

  private static double consumed(LocalCluster cluster) throws Exception {
    return cluster.jobMetrics().sum("herald_job_records_consumed_total", "");
  }
}
