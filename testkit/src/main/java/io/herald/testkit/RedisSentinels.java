package io.herald.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Sentinel-managed Redis of one test's own: a master, one replica and three Sentinels ({@code
 * redis-server --sentinel}, quorum 2, master down after {@value #DOWN_AFTER_MS} ms), all on free
 * ports of 127.0.0.1 and keeping nothing on disk. A test connects through {@link #uri()} and may
 * kill the master ({@link #killMaster()}) to see the Sentinels promote the replica. Stop it with
 * {@link #close()}; a test JVM that dies leaves none of them behind ({@link OrphanReaper}).
 */
public final class RedisSentinels implements AutoCloseable {
  /** The master name the Sentinels monitor. */
  public static final String MASTER = "herald";

  static final int DOWN_AFTER_MS = 1000;
  private static final String SCRATCH_PREFIX = "herald-redis-sentinel-";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final List<Server> servers = new ArrayList<>();
  private final List<Server> sentinels = new ArrayList<>();
  private int masterPort;

  private RedisSentinels() {}

  /** One process and its scratch directory. */
  private record Server(int port, ScratchDirectory directory, ChildProcess process) {
    void close() {
      process.stop(STOP_GRACE);
      directory.close();
    }
  }

  /**
   * Starts the master, the replica and the Sentinels, and waits until every Sentinel knows the
   * replica and the other Sentinels.
   *
   * @throws ServerUnavailableException if they cannot be started (no redis-server installed, say)
   */
  public static RedisSentinels start() {
    OrphanReaper.reap(SCRATCH_PREFIX);
    RedisSentinels setup = new RedisSentinels();
    try {
      setup.masterPort = setup.redis(List.of()).port();
      setup.redis(List.of("--replicaof", "127.0.0.1", Integer.toString(setup.masterPort)));
      for (int i = 0; i < 3; i++) {
        setup.sentinel();
      }
      int replica = setup.servers.get(1).port();
      Poller.await(
          "the replica is in sync with the master",
          STARTUP_TIMEOUT,
          () -> RespCall.call(replica, "INFO", "replication").contains("master_link_status:up"));
      Poller.await(
          "every Sentinel knows the replica and the other Sentinels",
          STARTUP_TIMEOUT,
          () -> {
            for (Server sentinel : setup.sentinels) {
              String info = RespCall.call(sentinel.port(), "INFO", "sentinel");
              if (!info.contains(
                  "status=ok,address=127.0.0.1:"
                      + setup.masterPort
                      + ",slaves=1,"
                      + "sentinels=3")) {
                return false;
              }
            }
            return true;
          });
      return setup;
    } catch (StartupFailure e) {
      setup.close();
      throw new ServerUnavailableException(e.getMessage(), e);
    }
  }

  private Server redis(List<String> extra) throws StartupFailure {
    ScratchDirectory directory = ScratchDirectory.create(SCRATCH_PREFIX);
    int port = PortPicker.system().pick();
    List<String> replication = new ArrayList<>(List.of("--repl-diskless-sync-delay", "0"));
    replication.addAll(extra);
    Server server =
        launch(RedisProcess.serverCommand(port, directory, replication), port, directory);
    servers.add(server);
    return server;
  }

  private void sentinel() throws StartupFailure {
    ScratchDirectory directory = ScratchDirectory.create(SCRATCH_PREFIX);
    int port = PortPicker.system().pick();
    String config =
        String.join(
            "\n",
            "port " + port,
            "bind 127.0.0.1",
            "dir " + directory.path(),
            "sentinel monitor " + MASTER + " 127.0.0.1 " + masterPort + " 2",
            "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER_MS,
            "sentinel failover-timeout " + MASTER + " 10000",
            "sentinel parallel-syncs " + MASTER + " 1",
            "");
    String file = directory.write("sentinel.conf", config).toString();
    sentinels.add(launch(List.of("redis-server", file, "--sentinel"), port, directory));
  }

  private static Server launch(List<String> command, int port, ScratchDirectory directory)
      throws StartupFailure {
    try {
      return new Server(
          port, directory, RedisProcess.launch(command, port, directory, STARTUP_TIMEOUT));
    } catch (StartupFailure e) {
      directory.close();
      throw e;
    }
  }

  /**
   * {@code redis-sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3#herald}: the Sentinels and the
   * master's name, as Lettuce and Herald's {@code redis.uri} take them.
   */
  public String uri() {
    return "redis-sentinel://"
        + sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","))
        + "#"
        + MASTER;
  }

  /** The port of the master the Sentinels name now. */
  public int masterPort() {
    for (Server sentinel : sentinels) {
      try {
        String address =
            RespCall.call(sentinel.port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER);
        if (address != null) {
          return masterPortFrom(address);
        }
      } catch (IOException | RuntimeException e) {
        // ask the next one
      }
    }
    throw new IllegalStateException("no Sentinel names a master");
  }

  private static int masterPortFrom(String address) {
    // host and port, one per line
    return Integer.parseInt(address.substring(address.lastIndexOf('\n') + 1).strip());
  }

  /**
   * Waits until the replica has received what the master had written when this was called: those
   * writes survive a failover.
   */
  public void awaitReplicated() {
    try {
      String master = RespCall.call(masterPort, "INFO", "replication");
      long written = -1;
      for (String line : master.split("\r?\n")) {
        if (line.startsWith("master_repl_offset:")) {
          written = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
        }
      }
      long target = written;
      Poller.await(
          "the replica received what the master had written",
          FAILOVER_TIMEOUT,
          () -> {
            for (String line : RespCall.call(masterPort, "INFO", "replication").split("\r?\n")) {
              if (line.matches("slave\\d+:.*")
                  && line.contains("state=online")
                  && Long.parseLong(line.replaceAll(".*offset=(\\d+).*", "$1")) >= target) {
                return true;
              }
            }
            return false;
          });
    } catch (IOException | StartupFailure e) {
      throw new IllegalStateException("cannot wait for the replica: " + e.getMessage(), e);
    }
  }

  /**
   * Kills (SIGKILL) the master, waits until the Sentinels name the replica as the new master and it
   * answers as one, and returns how long that took.
   */
  public Duration killMaster() {
    int killed = masterPort;
    long start = System.nanoTime();
    servers.stream().filter(s -> s.port() == killed).findFirst().orElseThrow().process().kill();
    try {
      Poller.await(
          "the Sentinels promoted the replica of 127.0.0.1:" + killed,
          FAILOVER_TIMEOUT,
          () -> {
            int now = masterPort();
            return now != killed
                && RespCall.call(now, "INFO", "replication").contains("role:master");
          });
    } catch (StartupFailure e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    masterPort = masterPort();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public void close() {
    sentinels.forEach(Server::close);
    servers.forEach(Server::close);
  }

  @Override
  public String toString() {
    return uri();
  }
}
