package io.herald.testkit;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server of each kind per test JVM: started (or found) when the first test asks for it, kept in
 * the root extension store, and stopped when JUnit closes that store or, failing that, by a
 * shutdown hook. A start that fails is remembered, so each later test class fails or aborts at once
 * with the same message instead of trying again.
 */
final class SharedServers {

  private static final Logger LOGGER = LoggerFactory.getLogger(SharedServers.class);
  private static final Namespace NAMESPACE = Namespace.create(SharedServers.class);

  /** Starts a server, or connects to the one the environment names. */
  @FunctionalInterface
  interface Starter<S extends AutoCloseable> {
    S start(TestEnvironment env) throws StartupFailure;
  }

  private SharedServers() {}

  /**
   * The server of type {@code type}, started by {@code starter} the first time.
   *
   * @param name the server's name in messages, e.g. "Redis"
   * @param setupHint how to make the server available, appended to the message when it is not
   * @throws RuntimeException from {@link TestEnvironment#unavailable} when it cannot be had
   */
  static <S extends AutoCloseable> S get(
      ExtensionContext context,
      Class<S> type,
      String name,
      String setupHint,
      TestEnvironment env,
      Starter<S> starter) {
    Outcome outcome =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(type, t -> start(name, env, starter), Outcome.class);
    if (outcome.server == null) {
      throw env.unavailable(
          name
              + " is not available for this test: "
              + outcome.failure.getMessage()
              + "\n"
              + setupHint,
          outcome.failure);
    }
    return type.cast(outcome.server);
  }

  private static Outcome start(String name, TestEnvironment env, Starter<?> starter) {
    long begin = System.nanoTime();
    try {
      AutoCloseable server = starter.start(env);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> closeQuietly(server), "herald-testkit-stop-" + name));
      LOGGER.info(
          "{} ready in {} ms: {}",
          name,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
          server);
      return new Outcome(server, null);
    } catch (StartupFailure e) {
      if (e.failsEverywhere()) {
        LOGGER.error("{} cannot be had: the tests that need it fail: {}", name, e.getMessage());
        return new Outcome(null, e);
      }
      LOGGER.warn(
          "{} is not available; tests that need it fail on CI, else skip: {}",
          name,
          e.getMessage());
      return new Outcome(null, e);
    }
  }

  private static void closeQuietly(AutoCloseable server) {
    try {
      server.close();
    } catch (Exception e) {
      LOGGER.warn("cannot stop {}", server, e);
    }
  }

  /** A started server, or why it could not be started; closing it stops the server. */
  private static final class Outcome implements AutoCloseable {
    final AutoCloseable server;
    final StartupFailure failure;

    Outcome(AutoCloseable server, StartupFailure failure) {
      this.server = server;
      this.failure = failure;
    }

    @Override
    public void close() {
      if (server != null) {
        closeQuietly(server);
      }
    }
  }
}
