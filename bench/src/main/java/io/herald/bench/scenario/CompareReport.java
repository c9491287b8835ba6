package io.herald.bench.scenario;

import java.io.PrintStream;
import java.util.List;

/** The end of a comparison: every server's figures, then Herald's over each peer's, in Markdown. */
final class CompareReport {
  private CompareReport() {}

  static void print(
      List<CompareCommand.Connect> connects, List<CompareCommand.Step> steps, PrintStream out) {
    out.println();
    out.println(
        "| server | deliveries/s asked | delivered/s | loss | server CPU s per 1M deliveries"
            + " | p50 ms | p99 ms | max ms | client CPU |");
    out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (CompareCommand.Step s : steps) {
      out.printf(
          "| %s | %,d | %,.0f | %,d | %.2f | %.1f | %.1f | %.1f | %.0f %% |%n",
          s.server(),
          s.rate(),
          s.deliveredPerSecond(),
          s.expected() - s.delivered(),
          s.cpuSecondsPerMillion(),
          s.p50Millis(),
          s.p99Millis(),
          s.maxMillis(),
          100 * s.clientCpuShare());
    }
    out.println();
    out.println(
        "| server | connect/s (all at once) | what a subscriber does | bytes per idle connection |");
    out.println("| --- | ---: | --- | ---: |");
    for (CompareCommand.Connect c : connects) {
      out.printf(
          "| %s | %,.0f | %s | %,d%s |%n",
          c.server(),
          c.perSecond(),
          c.auth(),
          c.bytesPerConnection(),
          c.heapPerConnection() != 0
              ? String.format(" (RSS %,d + heap %,d)", c.rssPerConnection(), c.heapPerConnection())
              : "");
    }
    List<CompareCommand.Connect> heralds =
        connects.stream().filter(c -> c.server().startsWith("herald")).toList();
    List<CompareCommand.Connect> peers =
        connects.stream().filter(c -> !c.server().startsWith("herald")).toList();
    if (heralds.isEmpty() || peers.isEmpty()) {
      return;
    }
    out.println();
    out.println(
        "| Herald / peer | deliveries/s | CPU per delivery | p99 | memory per connection"
            + " | connect/s |");
    out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (CompareCommand.Connect herald : heralds) {
      for (CompareCommand.Connect peer : peers) {
        for (CompareCommand.Step h : steps) {
          if (!h.server().equals(herald.server())) {
            continue;
          }
          for (CompareCommand.Step p : steps) {
            if (p.server().equals(peer.server()) && p.rate() == h.rate()) {
              out.printf(
                  "| %s / %s | %,d | %s | %s | %s | %s |%n",
                  herald.server(),
                  peer.server(),
                  h.rate(),
                  ratio(h.cpuSecondsPerMillion(), p.cpuSecondsPerMillion()),
                  ratio(h.p99Millis(), p.p99Millis()),
                  ratio(herald.bytesPerConnection(), peer.bytesPerConnection()),
                  ratio(herald.perSecond(), peer.perSecond()));
            }
          }
        }
      }
    }
  }

  private static String ratio(double herald, double peer) {
    return peer <= 0 ? "n/a" : String.format("%.2f", herald / peer);
  }
}
