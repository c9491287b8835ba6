package io.herald.bench.scenario;

import io.herald.bench.proc.ProcStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario 1, idle memory: bytes per idle authenticated connection in one Comet, or spread over
 * {@code --comets} Comet processes (one process holds at most 20,000 file descriptors here).
 * Measures the Comets' RSS and heap after a full GC with no client, then with {@code --connections}
 * clients authenticated and idle, and divides the difference.
 */
@Command(
    name = "comet-memory",
    mixinStandardHelpOptions = true,
    description = "Bytes per idle authenticated connection in one or more Comet processes.")
public final class CometMemoryCommand implements Callable<Integer> {
  @Option(
      names = "--transport",
      defaultValue = "tcp",
      description = "the clients' transport: tcp, or ws (WebSocket on the Comets' /sub)")
  String transport;

  @Option(names = "--connections", defaultValue = "19000")
  int connections;

  @Option(
      names = "--client-processes",
      defaultValue = "2",
      description = "client processes, each bound to its own source address")
  int clientProcesses;

  @Option(
      names = "--comets",
      defaultValue = "1",
      description = "Comet processes, each on its own ports; clients spread over them")
  int comets;

  @Option(names = "--rate", defaultValue = "2000", description = "connections per second")
  int rate;

  @Option(
      names = "--class-histogram",
      defaultValue = "0",
      description = "print this many rows of the Comet's live-heap class histogram at the end")
  int histogramRows;

  @Option(
      names = "--native-memory",
      description = "print the Comet's native memory by category against the empty process")
  boolean nativeMemory;

  @Option(
      names = "--heap",
      defaultValue = "512m",
      description = "the Comet's -Xms/-Xmx (pre-touched, so RSS growth is off-heap memory)")
  String heap;

  @Option(
      names = "--warmup",
      defaultValue = "2000",
      description = "connections opened and closed before the empty measurement (0: cold)")
  int warmup;

  @Option(names = "--settle", defaultValue = "5", description = "seconds to wait before measuring")
  int settleSeconds;

  @Option(
      names = "--comet-jvm-options",
      split = " ",
      description =
          "more JVM options for the Comets, e.g. \"-XX:+UseZGC\" (the launcher's defaults"
              + " unless one names a GC)")
  List<String> cometJvmOptions = new ArrayList<>();

  /** The classes the second half's connections added, by bytes: what one connection is made of. */
  private void printMarginalClasses(
      Map<String, ProcStats.ClassUse> before, Map<String, ProcStats.ClassUse> after, int added) {
    System.out.printf("%-70s %14s %14s%n", "class", "objects/conn", "bytes/conn");
    after.entrySet().stream()
        .map(
            e -> {
              ProcStats.ClassUse was =
                  before.getOrDefault(e.getKey(), new ProcStats.ClassUse(0, 0));
              return Map.entry(
                  e.getKey(),
                  new ProcStats.ClassUse(
                      e.getValue().instances() - was.instances(),
                      e.getValue().bytes() - was.bytes()));
            })
        .sorted(Comparator.comparingLong(e -> -e.getValue().bytes()))
        .limit(histogramRows)
        .forEach(
            e ->
                System.out.printf(
                    "%-70s %14.2f %14.1f%n",
                    e.getKey(),
                    (double) e.getValue().instances() / added,
                    (double) e.getValue().bytes() / added));
  }

  private int authenticated;

  /** Connections the last run had authenticated when it measured. */
  public int authenticated() {
    return authenticated;
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("herald-bench-memory");
    try (LocalCluster cluster = new LocalCluster(dir, "", "")) {
      cluster.transport(transport);
      cluster.withComets(comets);
      cluster.start(heap, cometJvmOptions);
      TimeUnit.SECONDS.sleep(settleSeconds);
      CometMemory cold = cluster.cometMemory();
      if (warmup > 0) {
        // A Comet that has served clients and is empty again: JIT code, classes, thread and
        // buffer pools are in place, so what follows is what connections cost.
        cluster.connect(warmup, 1, rate, Duration.ofMinutes(2));
        cluster.disconnectAll();
        TimeUnit.SECONDS.sleep(settleSeconds);
      }
      CometMemory empty = cluster.cometMemory();
      ProcStats.nativeMemoryBaseline(cluster.cometPid());
      // Two halves: the second half's growth is the marginal cost, free of one-time warm-up (JIT
      // code, classes, buffer pools) that the first half also pays.
      int half = connections / 2;
      int halfProcesses = Math.max(1, clientProcesses / 2);
      long started = System.nanoTime();
      cluster.connect(half, halfProcesses, rate, Duration.ofMinutes(5));
      TimeUnit.SECONDS.sleep(settleSeconds);
      CometMemory halfway = cluster.cometMemory();
      Map<String, ProcStats.ClassUse> halfwayClasses =
          histogramRows > 0 ? ProcStats.classHistogram(cluster.cometPid()) : Map.of();
      cluster.connect(
          connections - half,
          Math.max(1, clientProcesses - halfProcesses),
          rate,
          Duration.ofMinutes(5));
      double connectSeconds = (System.nanoTime() - started) / 1e9;
      TimeUnit.SECONDS.sleep(settleSeconds);
      CometMemory full = cluster.cometMemory();
      authenticated = connections;

      System.out.printf("comet-memory %s (logs in %s)%n", LocalDate.now(ZoneOffset.UTC), dir);
      System.out.printf(
          "connections: %,d authenticated in %.1f s, %d client processes, %d Comet processes"
              + " (memory figures are their sum)%n",
          connections, connectSeconds, clientProcesses, comets);
      System.out.printf(
          "cold start: heap after GC %,d KiB, RSS %,d KiB; after a %,d-connection warm-up and"
              + " disconnect: heap %,d KiB, RSS %,d KiB%n",
          cold.heapBytes() / 1024,
          cold.rssBytes() / 1024,
          warmup,
          empty.heapBytes() / 1024,
          empty.rssBytes() / 1024);
      long heapPer = (full.heapBytes() - empty.heapBytes()) / connections;
      long rssPer = (full.rssBytes() - empty.rssBytes()) / connections;
      System.out.printf(
          "heap after GC: %,d KiB empty -> %,d KiB = %,d bytes per connection%n",
          empty.heapBytes() / 1024, full.heapBytes() / 1024, heapPer);
      System.out.printf(
          "RSS (heap pre-touched, so this is off-heap): %,d KiB -> %,d KiB = %,d bytes per"
              + " connection%n",
          empty.rssBytes() / 1024, full.rssBytes() / 1024, rssPer);
      System.out.printf(
          "heap as the Comets' metrics endpoints report it after the same GC: %,d KiB -> %,d KiB"
              + " = %,d bytes per connection%n",
          empty.reportedHeapBytes() / 1024,
          full.reportedHeapBytes() / 1024,
          (full.reportedHeapBytes() - empty.reportedHeapBytes()) / connections);
      System.out.printf("total: %,d bytes per connection%n", heapPer + rssPer);
      int second = connections - half;
      long marginalHeap = (full.heapBytes() - halfway.heapBytes()) / second;
      long marginalRss = (full.rssBytes() - halfway.rssBytes()) / second;
      System.out.printf(
          "marginal (second %,d connections): heap %,d + off-heap %,d = %,d bytes per"
              + " connection%n",
          second, marginalHeap, marginalRss, marginalHeap + marginalRss);
      if (nativeMemory) {
        System.out.println("native memory of the first Comet:");
        System.out.print(ProcStats.nativeMemoryDiff(cluster.cometPid()));
      }
      if (histogramRows > 0) {
        // The first Comet's classes against its share of the second half's connections.
        printMarginalClasses(
            halfwayClasses, ProcStats.classHistogram(cluster.cometPid()), second / comets);
      }
    }
    return 0;
  }
}
