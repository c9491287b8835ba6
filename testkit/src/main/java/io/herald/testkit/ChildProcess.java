package io.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server running as a child process of the test JVM. It runs in the directory of its output file,
 * which receives its stdout and stderr (appended, so the server may log there as well).
 */
final class ChildProcess {

  private final String name;
  private final List<String> command;
  private final Path output;
  private final Process process;

  private ChildProcess(List<String> command, Path output, Process process) {
    this.name = Path.of(command.get(0)).getFileName().toString();
    this.command = List.copyOf(command);
    this.output = output;
    this.process = process;
  }

  static ChildProcess start(List<String> command, Path output) throws StartupFailure {
    return start(command, output, Map.of());
  }

  /** Starts {@code command} with {@code env} added to this JVM's environment. */
  static ChildProcess start(List<String> command, Path output, Map<String, String> env)
      throws StartupFailure {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(output.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
      builder.environment().putAll(env);
      Process process = builder.start();
      process.getOutputStream().close();
      return new ChildProcess(command, output, process);
    } catch (IOException e) {
      throw new StartupFailure(
          "cannot run " + command.get(0) + ": " + e.getMessage(), command, "", e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Path output() {
    return output;
  }

  /** Kills the process outright (SIGKILL) and waits for it to be gone. */
  void kill() {
    try {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) with {@code kill -SIGNAL pid}. */
  void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Polls {@code probe} until it returns true. Fails at once if the process exits, and after {@code
   * timeout}; either way with the command and the end of its output.
   */
  void awaitReady(String what, Duration timeout, Poller.Probe probe) throws StartupFailure {
    try {
      Poller.await(
          what,
          timeout,
          () -> {
            if (!process.isAlive()) {
              throw new StartupFailure(name + " exited");
            }
            return probe.ready();
          });
    } catch (StartupFailure e) {
      String problem =
          process.isAlive()
              ? e.getMessage()
              : name + " exited with code " + process.exitValue() + " before " + what;
      throw new StartupFailure(problem, command, LogTail.of(output), e.getCause());
    }
  }

  /** Asks the process to stop (SIGTERM) and kills it after {@code grace}; idempotent. */
  void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
