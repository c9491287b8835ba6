package io.herald.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(output.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
              .start();
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
