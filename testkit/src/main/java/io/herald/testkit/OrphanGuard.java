package io.herald.testkit;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * The main class of the forked Kafka broker JVM: runs {@code args[0]}'s main with the remaining
 * arguments, and exits when its parent, the test JVM, does. A shutdown hook in the test JVM stops
 * the broker on a normal exit or SIGTERM; this covers SIGKILL, which runs no hooks.
 */
final class OrphanGuard {

  private OrphanGuard() {}

  private static void exitWith(ProcessHandle parent) {
    var unused = parent.onExit().thenRun(() -> System.exit(1));
  }

  public static void main(String[] args) throws Throwable {
    ProcessHandle.current().parent().ifPresent(OrphanGuard::exitWith);
    try {
      Class.forName(args[0])
          .getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
