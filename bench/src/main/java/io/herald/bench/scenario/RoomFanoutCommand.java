package io.herald.bench.scenario;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.bench.load.Payload;
import io.herald.bench.proc.ProcStats;
import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.common.v1.Frame;
import io.herald.testkit.cluster.ServiceMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario 2, room fan-out: every client in one room of one Comet; messages of {@code --size} bytes
 * sent to the room through the Comet's gRPC BroadcastRoom (as Job does) at each rate of {@code
 * --rates}, for {@code --duration} seconds each, until a step loses messages or its p99 exceeds
 * {@code --max-p99-ms}. Reports deliveries per second, the Comet's CPU seconds per million
 * deliveries, latency percentiles and GC pauses.
 */
@Command(
    name = "room-fanout",
    mixinStandardHelpOptions = true,
    description = "Messages delivered per second to the members of one room of one Comet.")
public final class RoomFanoutCommand implements Callable<Integer> {
  private static final String ROOM = "live://bench";

  @Option(
      names = "--transport",
      defaultValue = "tcp",
      description = "the clients' transport: tcp, or ws (WebSocket on the Comets' /sub)")
  String transport;

  @Option(names = "--connections", defaultValue = "5000")
  int connections;

  @Option(names = "--client-processes", defaultValue = "2")
  int clientProcesses;

  @Option(names = "--connect-rate", defaultValue = "2000")
  int connectRate;

  @Option(
      names = "--rates",
      split = ",",
      defaultValue = "10,50,100,200,400",
      description = "room messages per second, swept in order")
  List<Integer> rates;

  @Option(
      names = "--batch",
      defaultValue = "1",
      description = "messages per BroadcastRoom call (an op-9 batch when > 1)")
  int batch;

  @Option(names = "--size", defaultValue = "64", description = "message body bytes")
  int size;

  @Option(names = "--duration", defaultValue = "10", description = "seconds per rate")
  int durationSeconds;

  @Option(names = "--max-p99-ms", defaultValue = "100")
  double maxP99Millis;

  @Option(
      names = "--profile",
      description = "record the Comet with JFR (comet.jfr in the logs directory; read it with jfr)")
  boolean profile;

  @Option(
      names = "--comet-jvm-options",
      split = " ",
      description =
          "more JVM options for the Comet, e.g. \"-XX:+UseZGC\" (the launcher's collector and flags, bin/jvm.options, unless one names a GC)")
  List<String> cometJvmOptions = new ArrayList<>();

  @Option(names = "--heap", defaultValue = "1g")
  String heap;

  @Option(names = "--comet-cpus", defaultValue = "0", description = "taskset CPUs of the Comet")
  String cometCpus;

  @Option(names = "--client-cpus", defaultValue = "1", description = "taskset CPUs of clients")
  String clientCpus;

  /** One rate's outcome: messages sent, deliveries expected (sent × members) and made. */
  public record Result(int rate, long sent, long expected, long delivered) {}

  private final List<Result> results = new ArrayList<>();

  /** What the last run measured, rate by rate. */
  public List<Result> results() {
    return List.copyOf(results);
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("herald-bench-fanout");
    try (LocalCluster cluster = new LocalCluster(dir, cometCpus, clientCpus)) {
      cluster.transport(transport);
      Path recording = dir.resolve("comet.jfr");
      List<String> options = new ArrayList<>(cometJvmOptions);
      if (profile) {
        options.add("-XX:StartFlightRecording=filename=" + recording + ",settings=profile");
      }
      cluster.start(heap, options);
      List<ClientProcess> clients =
          cluster.connect(connections, clientProcesses, connectRate, Duration.ofMinutes(5));
      ManagedChannel channel =
          Grpc.newChannelBuilder(
                  "127.0.0.1:" + cluster.cometGrpcPort, InsecureChannelCredentials.create())
              .build();
      try {
        CometGrpc.CometBlockingStub comet = CometGrpc.newBlockingStub(channel);
        System.out.printf(
            "room-fanout %s: %,d members, %d-byte messages, batch %d, %d s per rate,"
                + " comet on CPUs %s (JVM options %s), clients on %s (logs in %s)%n",
            LocalDate.now(ZoneOffset.UTC),
            connections,
            size,
            batch,
            durationSeconds,
            cometCpus,
            cometJvmOptions,
            clientCpus,
            dir);
        System.out.println(
            "rate msg/s | delivered/s | loss | Comet CPU s per 1M deliveries | client CPU | p50 ms | p99 ms | p99.9 ms"
                + " | max ms | GC pauses (max ms) | GC per /metrics: pauses, total ms"
                + " | safepoints: count, p99 ms, max ms");
        long seq = 0;
        // Warm-up: the JIT compiles the write path before the first measured rate.
        seq = publish(comet, seq, rates.get(0), 3);
        TimeUnit.SECONDS.sleep(2);
        for (int rate : rates) {
          for (ClientProcess client : clients) {
            client.ask("reset");
          }
          int gcFrom = ProcStats.lines(cluster.gcLog());
          int safepointFrom = ProcStats.lines(cluster.safepointLog());
          ServiceMetrics metricsBefore = cluster.cometMetrics();
          long cpuBefore = ProcStats.cpuNanos(cluster.cometPid());
          long clientCpuBefore = clientCpu(clients);
          long started = System.nanoTime();
          long first = seq;
          seq = publish(comet, seq, rate, durationSeconds);
          long sent = seq - first;
          long expected = sent * connections;
          Deliveries step = Deliveries.await(clients, expected);
          double seconds = (System.nanoTime() - started) / 1e9;
          long cpu = ProcStats.cpuNanos(cluster.cometPid()) - cpuBefore;
          double clientCpuShare = (clientCpu(clients) - clientCpuBefore) / 1e9 / seconds;
          DoubleSummaryStatistics pauses =
              ProcStats.pausesMillis(cluster.gcLog(), gcFrom).stream()
                  .mapToDouble(Double::doubleValue)
                  .summaryStatistics();
          List<Double> safepoints =
              ProcStats.safepointsMillis(cluster.safepointLog(), safepointFrom).stream()
                  .sorted()
                  .toList();
          ServiceMetrics metricsAfter = cluster.cometMetrics();
          long lost = expected - step.delivered();
          Histogram latency = step.latency();
          results.add(new Result(rate, sent, expected, step.delivered()));
          System.out.printf(
              "%,10d | %,11.0f | %d | %.2f | %.0f%% | %.1f | %.1f | %.1f | %.1f | %d (%.1f)"
                  + " | %d, %.1f | %d, %.2f, %.2f%n",
              rate,
              step.delivered() / seconds,
              lost,
              cpu / 1e9 / (step.delivered() / 1e6),
              100 * clientCpuShare,
              latency.getValueAtPercentile(50) / 1e3,
              latency.getValueAtPercentile(99) / 1e3,
              latency.getValueAtPercentile(99.9) / 1e3,
              latency.getMaxValue() / 1e3,
              pauses.getCount(),
              pauses.getCount() == 0 ? 0 : pauses.getMax(),
              metricsAfter.gcPauses() - metricsBefore.gcPauses(),
              metricsAfter.gcPauseMillis() - metricsBefore.gcPauseMillis(),
              safepoints.size(),
              percentile(safepoints, 0.99),
              safepoints.isEmpty() ? 0 : safepoints.get(safepoints.size() - 1));
          if (lost > 0 || latency.getValueAtPercentile(99) / 1e3 > maxP99Millis) {
            System.out.println("stopping: loss or p99 over " + maxP99Millis + " ms");
            break;
          }
        }
        if (profile) {
          ProcStats.dumpFlightRecording(cluster.cometPid(), recording);
          System.out.println("flight recording: " + recording);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  /** Sends {@code rate} messages per second for {@code seconds}; returns the next sequence. */
  private long publish(CometGrpc.CometBlockingStub comet, long seq, int rate, int seconds) {
    long calls = Math.max(1, (long) rate * seconds / batch);
    long interval = TimeUnit.SECONDS.toNanos(1) * batch / rate;
    long next = System.nanoTime();
    for (long call = 0; call < calls; call++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      next += interval;
      BroadcastRoomRequest.Builder request = BroadcastRoomRequest.newBuilder().setRoomId(ROOM);
      for (int i = 0; i < batch; i++) {
        request.addFrames(
            Frame.newBuilder().setOp(1000).setBody(ByteString.copyFrom(Payload.body(seq++, size))));
      }
      var unused = comet.broadcastRoom(request.build());
    }
    return seq;
  }

  /** CPU time of every client process so far; their share shows when clients are the limit. */
  private static long clientCpu(List<ClientProcess> clients) throws java.io.IOException {
    long total = 0;
    for (ClientProcess client : clients) {
      total += ProcStats.cpuNanos(client.pid());
    }
    return total;
  }

  /** The value at {@code share} (0..1) of {@code sorted}, 0 when empty (nearest rank). */
  private static double percentile(List<Double> sorted, double share) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(share * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
