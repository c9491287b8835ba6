package io.herald.testkit;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Names for what one test owns on a shared server (key prefixes, topics, schemas): unique in this
 * JVM by a counter and across runs against the same server by a random run id, and readable.
 */
final class UniqueNames {

  private static final String RUN_ID =
      Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36 * 36), 36);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final int MAX_TEST_NAME = 30;

  private UniqueNames() {}

  /** For example {@code "k3x9a-7-setandget"}: run id, sequence number, test name; [a-z0-9-]. */
  static String next(ExtensionContext context) {
    return RUN_ID + "-" + SEQUENCE.incrementAndGet() + "-" + testName(context);
  }

  static String testName(ExtensionContext context) {
    String name =
        context
            .getTestMethod()
            .map(m -> m.getName())
            .orElseGet(() -> context.getRequiredTestClass().getSimpleName());
    String clean = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
    return clean.length() > MAX_TEST_NAME ? clean.substring(0, MAX_TEST_NAME) : clean;
  }
}
