package io.herald.bench.scenario;

import io.herald.bench.load.Payload;
import io.herald.bench.proc.ProcStats;
import io.herald.testkit.LocalKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario 3, unicast end to end: pushes to one user each through Logic's HTTP API, Kafka, Job and
 * the Comet to the client, at swept rates. Logic keeps sessions in Redis, Logic, the Comet and Job
 * meet in the Redis registry, each in its own JVM. Reports, per rate, what arrived and its
 * publish-to-receive latency (the publisher stamps each body; clients measure).
 */
@Command(
    name = "unicast",
    mixinStandardHelpOptions = true,
    description = "Pushes by user through Logic, Kafka, Job and the Comet, rate swept.")
public final class UnicastCommand implements Callable<Integer> {
  @Option(names = "--connections", defaultValue = "2000", description = "users, one device each")
  int connections;

  @Option(names = "--client-processes", defaultValue = "2")
  int clientProcesses;

  @Option(
      names = "--rates",
      split = ",",
      defaultValue = "500,1000,2000,5000",
      description = "pushes per second, swept in order")
  List<Integer> rates;

  @Option(names = "--duration", defaultValue = "10", description = "seconds per rate")
  int durationSeconds;

  @Option(names = "--size", defaultValue = "64", description = "message body bytes")
  int size;

  @Option(names = "--max-p99-ms", defaultValue = "100")
  double maxP99Millis;

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

  /** One rate's outcome: pushes sent and accepted, deliveries made. */
  public record Result(int rate, long sent, long refused, long delivered) {}

  private final List<Result> results = new ArrayList<>();

  /** What the last run measured, rate by rate. */
  public List<Result> results() {
    return List.copyOf(results);
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("herald-bench-unicast");
    LocalKafka started = null;
    try {
      String bootstrap = kafka;
      String topic = "herald-push-bench-" + System.nanoTime();
      if (bootstrap.isEmpty()) {
        started = LocalKafka.start("bench-");
        bootstrap = started.broker().bootstrapServers();
        topic = started.broker().newTopic(4);
      }
      run(dir, bootstrap, topic);
    } finally {
      if (started != null) {
        started.close();
      }
    }
    return 0;
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
          cluster.connect(connections, clientProcesses, 2000, Duration.ofMinutes(5));
      Publisher publisher = new Publisher(cluster.logicHttpPort(), connections, size);
      System.out.printf(
          "unicast %s: %,d users on one Comet, %d-byte pushes by mid over HTTP, %d s per rate,"
              + " Kafka %s (logs in %s)%n",
          LocalDate.now(ZoneOffset.UTC), connections, size, durationSeconds, bootstrap, dir);
      System.out.println(
          "rate/s | sent | refused | delivered | loss | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms"
              + " | CPU s per 1k pushes: Logic, Job, Comet");
      publisher.publish(rates.get(0), 3); // warm-up: the JIT compiles the path
      Deliveries.await(clients, 0);
      TimeUnit.SECONDS.sleep(2);
      for (int rate : rates) {
        for (ClientProcess client : clients) {
          client.ask("reset");
        }
        long[] cpuBefore = cpu(cluster);
        long[] sent = publisher.publish(rate, durationSeconds);
        long accepted = sent[0] - sent[1];
        Deliveries step = Deliveries.await(clients, accepted);
        long[] cpuAfter = cpu(cluster);
        Histogram latency = step.latency();
        results.add(new Result(rate, sent[0], sent[1], step.delivered()));
        System.out.printf(
            "%,6d | %,d | %,d | %,d | %,d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f, %.2f, %.2f%n",
            rate,
            sent[0],
            sent[1],
            step.delivered(),
            accepted - step.delivered(),
            latency.getValueAtPercentile(50) / 1e3,
            latency.getValueAtPercentile(90) / 1e3,
            latency.getValueAtPercentile(99) / 1e3,
            latency.getValueAtPercentile(99.9) / 1e3,
            latency.getMaxValue() / 1e3,
            (cpuAfter[0] - cpuBefore[0]) / 1e9 / (sent[0] / 1e3),
            (cpuAfter[1] - cpuBefore[1]) / 1e9 / (sent[0] / 1e3),
            (cpuAfter[2] - cpuBefore[2]) / 1e9 / (sent[0] / 1e3));
        if (sent[1] > 0
            || accepted > step.delivered()
            || latency.getValueAtPercentile(99) / 1e3 > maxP99Millis) {
          System.out.println("stopping: refusals, loss or p99 over " + maxP99Millis + " ms");
          break;
        }
      }
    }
  }

  private static long[] cpu(LocalCluster cluster) throws java.io.IOException {
    return new long[] {
      ProcStats.cpuNanos(cluster.logicPid()),
      ProcStats.cpuNanos(cluster.jobPid()),
      ProcStats.cpuNanos(cluster.cometPid())
    };
  }

  /**
   * Drives Logic's {@code POST /goim/push/mids} at a fixed rate, round-robin over the users, with
   * each user's messages numbered from 0 so its client sees gaps and reorders; at most {@value
   * #IN_FLIGHT} requests outstanding.
   */
  private static final class Publisher {
    private static final int IN_FLIGHT = 256;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final int port;
    private final int users;
    private final int size;
    private final long[] sequences;
    private long next;

    Publisher(int port, int users, int size) {
      this.port = port;
      this.users = users;
      this.size = size;
      this.sequences = new long[users];
    }

    /** Publishes for {@code seconds} at {@code rate}; returns {sent, refused or failed}. */
    long[] publish(int rate, int seconds) throws InterruptedException {
      AtomicLong refused = new AtomicLong();
      long total = (long) rate * seconds;
      long interval = TimeUnit.SECONDS.toNanos(1) / rate;
      long due = System.nanoTime();
      for (long i = 0; i < total; i++) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        due += interval;
        int user = (int) (next++ % users);
        byte[] body = Payload.body(sequences[user]++, size);
        inFlight.acquire();
        HttpRequest request =
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/goim/push/mids?operation=1000&mids="
                            + (user + 1)))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        var unused =
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                    (response, error) -> {
                      inFlight.release();
                      if (error != null || !response.body().contains("\"code\":0")) {
                        refused.incrementAndGet();
                      }
                    });
      }
      inFlight.acquire(IN_FLIGHT);
      inFlight.release(IN_FLIGHT);
      return new long[] {total, refused.get()};
    }
  }
}
