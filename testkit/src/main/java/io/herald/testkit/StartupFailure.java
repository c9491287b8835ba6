package io.herald.testkit;

import java.util.List;

/** A server could not be started or reached; says which command failed and how it ended. */
final class StartupFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean everywhere;

  StartupFailure(String problem) {
    this(problem, false);
  }

  private StartupFailure(String problem, boolean everywhere) {
    super(problem);
    this.everywhere = everywhere;
  }

  /**
   * A failure of the test setup itself (the testkit asked for something it cannot have, e.g.
   * containers without an engine): it fails the tests on a developer's machine too, instead of
   * skipping them as a server that is merely not installed does.
   */
  static StartupFailure everywhere(String problem) {
    return new StartupFailure(problem, true);
  }

  /** Whether this fails the tests whether or not CI is true. */
  boolean failsEverywhere() {
    return everywhere;
  }

  StartupFailure(String problem, Throwable cause) {
    super(problem, cause);
    this.everywhere = false;
  }

  StartupFailure(String problem, List<String> command, String outputTail) {
    this(problem, command, outputTail, null);
  }

  StartupFailure(String problem, List<String> command, String outputTail, Throwable cause) {
    super(describe(problem, command, outputTail), cause);
    this.everywhere = false;
  }

  private static String describe(String problem, List<String> command, String outputTail) {
    StringBuilder b = new StringBuilder(problem).append("\n  command: ").append(quote(command));
    if (outputTail.isEmpty()) {
      return b.append("\n  output: (none)").toString();
    }
    b.append("\n  output (last lines):");
    outputTail.lines().forEach(line -> b.append("\n    ").append(line));
    return b.toString();
  }

  /** The command as one could paste it into a shell. */
  static String quote(List<String> command) {
    StringBuilder b = new StringBuilder();
    for (String arg : command) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(arg.matches("[A-Za-z0-9_./:=@,+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return b.toString();
  }
}
