package io.herald.bench.scenario;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.herald.bench.load.Payload;
import io.herald.bench.proc.ProcStats;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushMidsRequest;
import io.herald.proto.push.v1.PushMidsResponse;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "seconds of pushes at the first rate before measuring")
  int warmupSeconds;

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
      names = "--topic",
      defaultValue = "",
      description = "an existing topic on --kafka; empty: the run creates one (4 partitions)")
  String topicName;

  @Option(
      names = "--redis",
      defaultValue = "",
      description = "URI of a running Redis; empty: start a redis-server from the PATH")
  String redis;

  @Option(
      names = "--profile",
      description =
          "record Logic, Job and the Comet with JFR (logic.jfr, job.jfr, comet.jfr in the logs"
              + " directory; read them with jfr)")
  boolean profile;

  @Option(names = "--heap", defaultValue = "1g")
  String heap;

  /** Which of Logic's push APIs the publisher drives. */
  enum Api {
    /** goim's {@code POST /goim/push/mids} on Logic's HTTP port. */
    http,
    /** {@code Push.PushMids} on Logic's gRPC port. */
    grpc
  }

  @Option(
      names = "--api",
      defaultValue = "http",
      description = "the push API the publisher drives: ${COMPLETION-CANDIDATES}")
  Api api;

  private static final int PARTITIONS = 4;

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
      String topic = topicName;
      if (bootstrap.isEmpty()) {
        started = LocalKafka.start("bench-");
        bootstrap = started.broker().bootstrapServers();
        topic = started.broker().newTopic(PARTITIONS);
      } else if (topic.isEmpty()) {
        topic = createTopic(bootstrap);
      }
      run(dir, bootstrap, topic);
    } finally {
      if (started != null) {
        started.close();
      }
    }
    return 0;
  }

  /**
   * Creates the run's topic before Job subscribes: a topic that only appears with the first push
   * may be seen by Job's consumer after the pushes it should have read.
   */
  static String createTopic(String bootstrap) throws Exception {
    String name = "herald-push-bench-" + System.nanoTime();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(name, Optional.of(PARTITIONS), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    return name;
  }

  private void run(Path dir, String bootstrap, String topic) throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, "", "")) {
      if (redis.isEmpty()) {
        cluster.withRedis();
      } else {
        cluster.useRedis(redis);
      }
      cluster.withKafka(bootstrap, topic);
      if (profile) {
        cluster.profile();
      }
      cluster.start(heap);
      List<ClientProcess> clients =
          cluster.connect(connections, clientProcesses, 2000, Duration.ofMinutes(5));
      try (Publisher publisher =
          new Publisher(
              api == Api.http ? cluster.logicHttpPort() : cluster.logicGrpcPort,
              api,
              connections,
              size)) {
        sweep(dir, bootstrap, cluster, clients, publisher);
      }
    }
  }

  private void sweep(
      Path dir,
      String bootstrap,
      LocalCluster cluster,
      List<ClientProcess> clients,
      Publisher publisher)
      throws Exception {
    System.out.printf(
        "unicast %s: %,d users on one Comet, %d-byte pushes by mid over %s, %d s per rate,"
            + " Kafka %s (logs in %s)%n",
        LocalDate.now(ZoneOffset.UTC), connections, size, api, durationSeconds, bootstrap, dir);
    System.out.println(
        "rate/s | sent | refused | delivered | loss | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms"
            + " | CPU s per 1k pushes: Logic, Job, Comet");
    // Warm-up: the JIT compiles the path; its pushes all arrive before the first measured step.
    long[] warm = publisher.publish(rates.get(0), warmupSeconds);
    Deliveries.await(clients, warm[0] - warm[1]);
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

  private static long[] cpu(LocalCluster cluster) throws java.io.IOException {
    return new long[] {
      ProcStats.cpuNanos(cluster.logicPid()),
      ProcStats.cpuNanos(cluster.jobPid()),
      ProcStats.cpuNanos(cluster.cometPid())
    };
  }

  /**
   * Drives Logic's push-by-mid API ({@code POST /goim/push/mids} or gRPC {@code Push.PushMids}) at
   * a fixed rate, round-robin over the users, with each user's messages numbered from 0 so its
   * client sees gaps and reorders; at most {@value #IN_FLIGHT} requests outstanding.
   */
  private static final class Publisher implements AutoCloseable {
    private static final int IN_FLIGHT = 256;

    private final Api api;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ManagedChannel channel;
    private final PushGrpc.PushStub push;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final int port;
    private final int users;
    private final int size;
    private final long[] sequences;
    private long next;

    Publisher(int port, Api api, int users, int size) {
      this.port = port;
      this.api = api;
      this.users = users;
      this.size = size;
      this.sequences = new long[users];
      this.channel =
          Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
              .build();
      this.push = PushGrpc.newStub(channel);
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
        Consumer<Boolean> done =
            accepted -> {
              inFlight.release();
              if (!accepted) {
                refused.incrementAndGet();
              }
            };
        if (api == Api.http) {
          sendHttp(user + 1, body, done);
        } else {
          sendGrpc(user + 1, body, done);
        }
      }
      inFlight.acquire(IN_FLIGHT);
      inFlight.release(IN_FLIGHT);
      return new long[] {total, refused.get()};
    }

    private void sendHttp(long mid, byte[] body, Consumer<Boolean> done) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + port + "/goim/push/mids?operation=1000&mids=" + mid))
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      var unused =
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (response, error) ->
                      done.accept(error == null && response.body().contains("\"code\":0")));
    }

    private void sendGrpc(long mid, byte[] body, Consumer<Boolean> done) {
      push.withDeadlineAfter(10, TimeUnit.SECONDS)
          .pushMids(
              PushMidsRequest.newBuilder()
                  .setOp(1000)
                  .addMids(mid)
                  .setBody(ByteString.copyFrom(body))
                  .build(),
              new StreamObserver<PushMidsResponse>() {
                @Override
                public void onNext(PushMidsResponse response) {}

                @Override
                public void onError(Throwable error) {
                  done.accept(false);
                }

                @Override
                public void onCompleted() {
                  done.accept(true);
                }
              });
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
