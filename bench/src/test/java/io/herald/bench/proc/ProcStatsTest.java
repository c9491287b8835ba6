package io.herald.bench.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the bench reads from the JVM's own reports, as OpenJDK 17 writes them per collector. */
class ProcStatsTest {
  @Test
  void readsTheHeapInUseWhateverTheCollector() throws IOException {
    assertThat(
            ProcStats.heapUsed(
                " garbage-first heap   total 262144K, used 1685K [0x00000000f0000000, ...)\n"
                    + "  region size 1024K, 1 young (1024K), 0 survivors (0K)\n",
                1))
        .isEqualTo(1685L * 1024);
    assertThat(
            ProcStats.heapUsed(
                "Shenandoah Heap\n 256M max, 256M soft max, 256M committed, 1536K used\n", 1))
        .isEqualTo(1536L * 1024);
    assertThat(
            ProcStats.heapUsed(
                " ZHeap           used 4M, capacity 256M, max capacity 256M\n"
                    + " Metaspace       used 126K, committed 320K, reserved 1114112K\n",
                1))
        .isEqualTo(4L << 20);
    assertThatThrownBy(() -> ProcStats.heapUsed("nothing", 7))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("7");
  }

  @Test
  void readsEveryStopFromTheSafepointLog(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("safepoint.log");
    Files.writeString(
        log,
        "[1.9s] Safepoint \"G1CollectForAllocation\", Time since last: 1068374873 ns, Reaching"
            + " safepoint: 2894 ns, Cleanup: 99889 ns, At safepoint: 7879346 ns, Total: 7982129 ns\n"
            + "[4.1s] Safepoint \"Cleanup\", Time since last: 1093934425 ns, Reaching safepoint:"
            + " 7572 ns, Cleanup: 76734 ns, At safepoint: 2834 ns, Total: 87140 ns\n");
    assertThat(ProcStats.safepointsMillis(log, 0)).containsExactly(7.982129, 0.08714);
    assertThat(ProcStats.safepointsMillis(log, 1)).containsExactly(0.08714);
  }
}
