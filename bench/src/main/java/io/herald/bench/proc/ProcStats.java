package io.herald.bench.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figures about another process, read from outside it: RSS and CPU time from {@code /proc}, heap
 * after a full GC through {@code jcmd}, GC pauses from its {@code -Xlog:gc} file.
 */
public final class ProcStats {
  /** Linux's USER_HZ: /proc/PID/stat counts CPU time in hundredths of a second. */
  private static final long TICKS_PER_SECOND = 100;

  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
  private static final Pattern THREADS = Pattern.compile("Threads:\\s+(\\d+)");

  /**
   * The heap in use in {@code GC.heap_info}: G1, Parallel and Serial ({@code total 1024K, used
   * 512K}), Shenandoah ({@code 256M committed, 1536K used}), ZGC ({@code ZHeap used 4M, ...}).
   */
  private static final Pattern HEAP_USED =
      Pattern.compile(
          "total \\d+[KMG], used (\\d+)([KMG])|committed, (\\d+)([KMG]) used"
              + "|ZHeap\\s+used (\\d+)([KMG])");

  private static final Pattern HISTOGRAM_ROW =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  private static final Pattern PAUSE = Pattern.compile("Pause .* (\\d+\\.\\d+)ms$");
  private static final Pattern SAFEPOINT = Pattern.compile("Safepoint .*Total: (\\d+) ns");

  private ProcStats() {}

  /** Resident set size in bytes. */
  public static long rssBytes(long pid) throws IOException {
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    Matcher m = RSS.matcher(status);
    if (!m.find()) {
      throw new IOException("no VmRSS for " + pid);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  /** Open file descriptors (entries of {@code /proc/PID/fd}). */
  public static long openFiles(long pid) throws IOException {
    try (var entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return entries.count();
    }
  }

  /** Threads ({@code Threads:} of {@code /proc/PID/status}). */
  public static long threads(long pid) throws IOException {
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    Matcher m = THREADS.matcher(status);
    if (!m.find()) {
      throw new IOException("no Threads for " + pid);
    }
    return Long.parseLong(m.group(1));
  }

  /** User plus system CPU time, in nanoseconds. */
  public static long cpuNanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
  }

  /** Runs a full GC in the JVM {@code pid} and returns the heap then in use, in bytes. */
  public static long heapAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    return heapUsed(jcmd(pid, "GC.heap_info"), pid);
  }

  /** The heap in use that {@code GC.heap_info} of the JVM {@code pid} reports, in bytes. */
  static long heapUsed(String info, long pid) throws IOException {
    Matcher m = HEAP_USED.matcher(info);
    if (!m.find()) {
      throw new IOException("cannot read the heap of " + pid + " from: " + info);
    }
    for (int group = 1; group <= m.groupCount(); group += 2) {
      if (m.group(group) != null) {
        long unit =
            switch (m.group(group + 1)) {
              case "G" -> 1L << 30;
              case "M" -> 1L << 20;
              default -> 1L << 10;
            };
        return Long.parseLong(m.group(group)) * unit;
      }
    }
    throw new IOException("cannot read the heap of " + pid + " from: " + info);
  }

  /** Live instances and bytes of one class. */
  public record ClassUse(long instances, long bytes) {}

  /** The JVM {@code pid}'s live heap by class, after a full GC ({@code jcmd}'s histogram). */
  public static Map<String, ClassUse> classHistogram(long pid)
      throws IOException, InterruptedException {
    Map<String, ClassUse> classes = new HashMap<>();
    for (String line : jcmd(pid, "GC.class_histogram").lines().toList()) {
      Matcher m = HISTOGRAM_ROW.matcher(line);
      if (m.find()) {
        classes.put(
            m.group(3), new ClassUse(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
      }
    }
    return classes;
  }

  /** Sets the JVM's native-memory baseline (it must run with {@code NativeMemoryTracking}). */
  public static void nativeMemoryBaseline(long pid) throws IOException, InterruptedException {
    jcmd(pid, "VM.native_memory baseline");
  }

  /** Native memory by category, against the baseline. */
  public static String nativeMemoryDiff(long pid) throws IOException, InterruptedException {
    return jcmd(pid, "VM.native_memory summary.diff scale=KB");
  }

  /** Writes the JVM's running flight recording to {@code file}. */
  public static void dumpFlightRecording(long pid, Path file)
      throws IOException, InterruptedException {
    jcmd(pid, "JFR.dump filename=" + file);
  }

  /**
   * Runs {@code jcmd pid command}, trying up to three times: the attach to a JVM that is busy (a
   * full GC, a pre-touched heap) now and then fails with "No such process" and works a moment
   * later.
   */
  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    IOException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return jcmdOnce(pid, command);
      } catch (IOException e) {
        failure = e;
        TimeUnit.SECONDS.sleep(1);
      }
    }
    throw failure;
  }

  private static String jcmdOnce(long pid, String command)
      throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
    }
    return out;
  }

  /** GC pauses, in milliseconds, logged in {@code gcLog} from line {@code fromLine} on. */
  public static List<Double> pausesMillis(Path gcLog, int fromLine) throws IOException {
    List<String> lines = Files.readAllLines(gcLog);
    return lines.subList(Math.min(fromLine, lines.size()), lines.size()).stream()
        .map(PAUSE::matcher)
        .filter(Matcher::find)
        .map(m -> Double.parseDouble(m.group(1)))
        .toList();
  }

  /**
   * The stops of the Java threads ({@code -Xlog:safepoint}: time to reach the safepoint plus time
   * at it) after line {@code fromLine}, in milliseconds.
   */
  public static List<Double> safepointsMillis(Path safepointLog, int fromLine) throws IOException {
    List<String> lines = Files.readAllLines(safepointLog);
    return lines.subList(Math.min(fromLine, lines.size()), lines.size()).stream()
        .map(SAFEPOINT::matcher)
        .filter(Matcher::find)
        .map(m -> Long.parseLong(m.group(1)) / 1e6)
        .toList();
  }

  /** Lines in {@code gcLog} so far: where the next window's pauses start. */
  public static int lines(Path gcLog) throws IOException {
    return Files.exists(gcLog) ? Files.readAllLines(gcLog).size() : 0;
  }
}
