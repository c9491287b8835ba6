package io.herald.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A redis-server of one test's own, on a port of its own, that the test may freeze (SIGSTOP), thaw,
 * kill, and start again empty on the same port: what an operator sees when Redis hangs, dies, or
 * comes back without its data. Unlike {@link RealRedis}'s shared server, nothing else uses it. It
 * keeps no data on disk. Stop it with {@link #close()}; a test JVM that dies leaves none behind
 * ({@link OrphanReaper}).
 */
public final class RedisProcess implements AutoCloseable {
  private static final String SCRATCH_PREFIX = "herald-redis-own-";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final int port;
  private final ScratchDirectory directory;
  private ChildProcess process;

  private RedisProcess(int port, ScratchDirectory directory) {
    this.port = port;
    this.directory = directory;
  }

  /**
   * Starts a redis-server on a free port of 127.0.0.1 and waits until it answers PING.
   *
   * @throws ServerUnavailableException if it cannot (no redis-server installed, say)
   */
  public static RedisProcess start() {
    OrphanReaper.reap(SCRATCH_PREFIX);
    ScratchDirectory directory = null;
    try {
      directory = ScratchDirectory.create(SCRATCH_PREFIX);
      RedisProcess redis = new RedisProcess(PortPicker.system().pick(), directory);
      redis.startServer();
      return redis;
    } catch (StartupFailure e) {
      if (directory != null) {
        directory.close();
      }
      throw new ServerUnavailableException(e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing answers. */
  public void freeze() {
    process.signal("STOP");
  }

  /** Lets a frozen server run again (SIGCONT). */
  public void thaw() {
    process.signal("CONT");
  }

  /** Kills the server outright (SIGKILL). */
  public void kill() {
    process.kill();
  }

  /** Starts the server again on the same port, empty (after {@link #kill()}). */
  public void restart() {
    if (process.alive()) {
      throw new IllegalStateException("redis-server on " + port + " still runs");
    }
    try {
      startServer();
    } catch (StartupFailure e) {
      throw new ServerUnavailableException(e.getMessage(), e);
    }
  }

  private void startServer() throws StartupFailure {
    process = launch(port, directory, STARTUP_TIMEOUT);
  }

  /**
   * Starts a redis-server on 127.0.0.1:{@code port} that keeps nothing on disk, running from {@code
   * directory} (which records it, for the orphan reaper), and waits until it answers PING; a server
   * that does not in time is stopped.
   */
  static ChildProcess launch(int port, ScratchDirectory directory, Duration timeout)
      throws StartupFailure {
    return launch(serverCommand(port, directory, List.of()), port, directory, timeout);
  }

  /**
   * redis-server's command line for 127.0.0.1:{@code port}, keeping nothing on disk, running from
   * {@code directory}, then {@code extra} arguments (a cluster node's, a replica's).
   */
  static List<String> serverCommand(int port, ScratchDirectory directory, List<String> extra) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                directory.path().toString()));
    command.addAll(extra);
    return command;
  }

  /**
   * Runs {@code command} (redis-server in some mode, listening on 127.0.0.1:{@code port}) from
   * {@code directory}, which records it for the orphan reaper, and waits until it answers PING; one
   * that does not in time is stopped.
   */
  static ChildProcess launch(
      List<String> command, int port, ScratchDirectory directory, Duration timeout)
      throws StartupFailure {
    ChildProcess started = ChildProcess.start(command, directory.resolve("redis.log"));
    try {
      directory.recordServer(started.pid());
      started.awaitReady(
          command.get(0) + " answers PING on 127.0.0.1:" + port,
          timeout,
          () -> RespPing.answers("127.0.0.1", port));
    } catch (StartupFailure e) {
      started.stop(STOP_GRACE);
      throw e;
    }
    return started;
  }

  @Override
  public void close() {
    if (process != null) {
      if (process.alive()) {
        thawQuietly();
      }
      process.stop(STOP_GRACE);
    }
    directory.close();
  }

  private void thawQuietly() {
    try {
      thaw();
    } catch (RuntimeException e) {
      // stopping it anyway
    }
  }

  @Override
  public String toString() {
    return uri() + (process == null ? "" : " (redis-server pid " + process.pid() + ")");
  }
}
