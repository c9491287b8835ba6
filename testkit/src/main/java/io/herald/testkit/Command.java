package io.herald.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion and fails if it does not succeed. It runs in the directory of its
 * output file, which receives its stdout and stderr.
 */
final class Command {

  private Command() {}

  static void run(List<String> command, Path output, Duration timeout) throws StartupFailure {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(output.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
              .start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new StartupFailure(
          "cannot run " + command.get(0) + ": " + e.getMessage(), command, "", e);
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new StartupFailure(
            command.get(0) + " did not finish within " + timeout.toSeconds() + " s",
            command,
            LogTail.of(output));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new StartupFailure("interrupted while running " + command.get(0), e);
    }
    if (process.exitValue() != 0) {
      throw new StartupFailure(
          command.get(0) + " exited with code " + process.exitValue(), command, LogTail.of(output));
    }
  }
}
