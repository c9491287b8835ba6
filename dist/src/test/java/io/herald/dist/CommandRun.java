package io.herald.dist;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;

/**
 * One in-process run of the {@code herald} command line over a given environment: its exit code,
 * what it printed, how long it took, and the roles it started (which the test stops; the launcher's
 * lifetime here returns at once instead of waiting for SIGTERM).
 */
record CommandRun(int exitCode, String out, String err, List<Role.Running> started, Duration took) {

  static CommandRun of(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<Role.Running> started = new CopyOnWriteArrayList<>();
    CommandLine commandLine = Herald.commandLine(env, (name, running) -> started.add(running));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    long begin = System.nanoTime();
    int code = commandLine.execute(args);
    Duration took = Duration.ofNanos(System.nanoTime() - begin);
    return new CommandRun(code, out.toString(), err.toString(), List.copyOf(started), took);
  }

  /** Stops what the run started, last first. */
  void stop() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).stop();
    }
  }

  @Override
  public String toString() {
    return "exit " + exitCode + " after " + took + "\nout:\n" + out + "\nerr:\n" + err;
  }
}
