package io.herald.bench.scenario;

import io.herald.bench.proc.ProcStats;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.ServiceMetrics;
import java.io.IOException;
import java.util.List;

/**
 * The Comets' memory after a full GC, added up over every Comet process.
 *
 * @param rssBytes resident set size ({@code /proc})
 * @param heapBytes heap in use after a full GC ({@code jcmd GC.heap_info})
 * @param reportedHeapBytes heap in use per the metrics endpoint, scraped just after that GC
 */
record CometMemory(long rssBytes, long heapBytes, long reportedHeapBytes) {

  /** Runs a full GC in each of {@code comets} and reads its heap and RSS. */
  static CometMemory measure(List<HeraldCluster.Comet> comets)
      throws IOException, InterruptedException {
    long rss = 0;
    long heap = 0;
    long reported = 0;
    for (HeraldCluster.Comet comet : comets) {
      long pid = comet.process().pid();
      heap += ProcStats.heapAfterGc(pid);
      reported += ServiceMetrics.scrape(comet.adminUrl("/metrics")).heapUsedBytes();
      rss += ProcStats.rssBytes(pid);
    }
    return new CometMemory(rss, heap, reported);
  }
}
