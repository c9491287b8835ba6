package io.herald.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A process written down as "pid start-time", so it can be found again later without mistaking
 * another process that reuses the pid for it.
 */
final class ProcessIdentity {

  private ProcessIdentity() {}

  static String of(ProcessHandle process) {
    return process.pid() + " " + startMillis(process).orElse(-1L) + "\n";
  }

  /** The process recorded in {@code file}, if it is still running. */
  static Optional<ProcessHandle> running(Path file) {
    try {
      String[] fields = Files.readString(file).strip().split(" ", -1);
      long pid = Long.parseLong(fields[0]);
      long started = Long.parseLong(fields[1]);
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> startMillis(p).orElse(-2L) == started);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> startMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli);
  }
}
