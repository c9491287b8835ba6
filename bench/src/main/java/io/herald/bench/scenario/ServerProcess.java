package io.herald.bench.scenario;

import io.herald.bench.proc.ProcStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server a comparison starts (nginx, nats-server, a Herald JVM): its output in a log file, its
 * figures summed over the whole process tree (nginx's master and worker), and ended with its
 * children (SIGTERM, then SIGKILL after a grace period).
 */
final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} in {@code workDir} with {@code env} added; output to NAME.log there. */
  static ServerProcess start(
      String name, List<String> command, Map<String, String> env, Path workDir) throws IOException {
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new ServerProcess(name, builder.start(), log);
  }

  /** Waits until {@code port} on 127.0.0.1 accepts connections; fails if the process ends. */
  ServerProcess awaitPort(int port, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(name + " ended (exit " + process.exitValue() + "): " + tail());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return this;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException(name + " does not listen on " + port + ": " + tail(), e);
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  long pid() {
    return process.pid();
  }

  /** The process and its descendants, alive now. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(process.pid());
    process.descendants().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  /** User plus system CPU time of the whole tree, in nanoseconds. */
  long cpuNanos() throws IOException {
    long total = 0;
    for (long pid : pids()) {
      total += ProcStats.cpuNanos(pid);
    }
    return total;
  }

  /** Resident memory of the whole tree, in bytes. */
  long rssBytes() throws IOException {
    long total = 0;
    for (long pid : pids()) {
      total += ProcStats.rssBytes(pid);
    }
    return total;
  }

  /** The last lines of the log: why a start failed. */
  String tail() {
    try (Stream<String> lines = Files.lines(log)) {
      List<String> all = lines.toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Ends the process and its children: SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    process.destroy();
    tree.forEach(ProcessHandle::destroy);
    awaitEnd(tree);
  }

  /** Ends the process and its children at once (SIGKILL). */
  void kill() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    process.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    awaitEnd(tree);
  }

  private void awaitEnd(List<ProcessHandle> tree) {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
