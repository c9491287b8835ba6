package io.herald.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters, each with one replica: six {@code redis-server}s in cluster
 * mode on free ports of 127.0.0.1 (client and bus port both picked, so neither lands in the
 * ephemeral range), joined by {@code redis-cli --cluster create}, and awaited until every node
 * reports {@code cluster_state:ok} with all 16384 slots served. A short node timeout ({@value
 * #NODE_TIMEOUT_MS} ms) makes a replica take over a killed master within a few seconds; {@code
 * cluster-require-full-coverage no} keeps the other masters answering meanwhile.
 *
 * <p>A test may kill the master of a key ({@link #killMasterOf}), wait for its replica to be
 * promoted, and {@link #heal()} the cluster: the killed node starts again from its {@code
 * nodes.conf}, rejoins as a replica of the promoted one and resyncs, so the cluster is whole again
 * for the next test.
 */
final class RedisClusterInstance implements AutoCloseable {

  static final int NODE_TIMEOUT_MS = 1000;
  private static final String SCRATCH_PREFIX = "herald-redis-cluster-";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final int NODES = 6;

  private final List<ClusterNode> nodes;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisClusterInstance(List<ClusterNode> nodes) {
    this.nodes = nodes;
  }

  /** One server of the cluster, on its own port and scratch directory. */
  private static final class ClusterNode {
    final int port;
    final int busPort;
    final ScratchDirectory directory;
    ChildProcess process;

    ClusterNode(int port, int busPort, ScratchDirectory directory) {
      this.port = port;
      this.busPort = busPort;
      this.directory = directory;
    }

    void start() throws StartupFailure {
      List<String> cluster =
          List.of(
              "--cluster-port",
              Integer.toString(busPort),
              "--cluster-enabled",
              "yes",
              "--cluster-config-file",
              "nodes.conf",
              "--cluster-node-timeout",
              Integer.toString(NODE_TIMEOUT_MS),
              // While a master's slots have no master (from its FAIL flag until a replica is
              // promoted), the other masters keep answering, as docs/operations.md advises.
              "--cluster-require-full-coverage",
              "no",
              // A replica's full sync (at creation, and when a killed node rejoins) starts at once
              // instead of after the default 5 s wait for more replicas.
              "--repl-diskless-sync-delay",
              "0");
      process =
          RedisProcess.launch(
              RedisProcess.serverCommand(port, directory, cluster),
              port,
              directory,
              STARTUP_TIMEOUT);
    }

    boolean alive() {
      return process != null && process.alive();
    }

    void close() {
      if (process != null) {
        process.stop(STOP_GRACE);
      }
      directory.close();
    }
  }

  static RedisClusterInstance start() throws StartupFailure {
    OrphanReaper.reap(SCRATCH_PREFIX);
    List<ClusterNode> nodes = new ArrayList<>();
    RedisClusterInstance cluster = new RedisClusterInstance(nodes);
    try {
      for (int i = 0; i < NODES; i++) {
        nodes.add(
            new ClusterNode(
                PortPicker.system().pick(),
                PortPicker.system().pick(),
                ScratchDirectory.create(SCRATCH_PREFIX)));
      }
      for (ClusterNode node : nodes) {
        node.start();
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      nodes.forEach(node -> create.add("127.0.0.1:" + node.port));
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      Command.run(create, nodes.get(0).directory.resolve("create.log"), STARTUP_TIMEOUT);
      cluster.awaitWhole("the cluster is formed", STARTUP_TIMEOUT);
      return cluster;
    } catch (StartupFailure | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The client ports of all nodes, the first three being the masters at creation. */
  List<Integer> ports() {
    return nodes.stream().map(node -> node.port).toList();
  }

  /** {@code redis://127.0.0.1:P1,127.0.0.1:P2,...}: every node, as a cluster client's seeds. */
  String uri() {
    return "redis://"
        + nodes.stream().map(node -> "127.0.0.1:" + node.port).collect(Collectors.joining(","));
  }

  /** The slot of {@code key}, as the cluster computes it. */
  int slotOf(String key) {
    try {
      return Integer.parseInt(RespCall.call(live().port, "CLUSTER", "KEYSLOT", key));
    } catch (IOException e) {
      throw new IllegalStateException("cannot ask the cluster for the slot of " + key, e);
    }
  }

  /** The client port of the master now serving {@code slot}. */
  int masterPortOf(int slot) {
    return view(live())
        .masterOf(slot)
        .map(ClusterNodes.Node::port)
        .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
  }

  /**
   * Waits until every connected replica has received everything its master had written when this
   * was called: those writes survive a failover of any master that has a replica. (Writes go on
   * meanwhile; the replicas need not catch up with them.)
   */
  void awaitReplicated() {
    try {
      Map<Integer, Long> written = new HashMap<>();
      for (ClusterNode node : liveNodes()) {
        String info = RespCall.call(node.port, "INFO", "replication");
        if (info.contains("role:master")) {
          written.put(node.port, field(info, "master_repl_offset"));
        }
      }
      Poller.await(
          "every replica received what its master had written",
          FAILOVER_TIMEOUT,
          () -> {
            for (Map.Entry<Integer, Long> master : written.entrySet()) {
              String info = RespCall.call(master.getKey(), "INFO", "replication");
              for (String line : info.split("\r?\n")) {
                if (line.matches("slave\\d+:.*")) {
                  long offset = Long.parseLong(line.replaceAll(".*offset=(\\d+).*", "$1"));
                  if (!line.contains("state=online") || offset < master.getValue()) {
                    return false;
                  }
                }
              }
            }
            return true;
          });
    } catch (IOException | StartupFailure e) {
      throw new IllegalStateException("cannot wait for the replicas: " + e.getMessage(), e);
    }
  }

  private static long field(String info, String name) throws IOException {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1).strip());
      }
    }
    throw new IOException("no " + name + " in INFO");
  }

  /** {@code CLIENT PAUSE ms WRITE} on the node at {@code port}. */
  void pauseWrites(int port, Duration duration) {
    try {
      RespCall.call(port, "CLIENT", "PAUSE", Long.toString(duration.toMillis()), "WRITE");
    } catch (IOException e) {
      throw new IllegalStateException("cannot pause the writes of 127.0.0.1:" + port, e);
    }
  }

  /** Kills (SIGKILL) the master of {@code slot}; returns its port. */
  int killMasterOf(int slot) {
    int port = masterPortOf(slot);
    node(port).process.kill();
    return port;
  }

  /**
   * Waits until a master other than the one on {@code killedPort} serves {@code slot} and every
   * live node reports {@code cluster_state:ok}.
   */
  void awaitPromoted(int slot, int killedPort) {
    try {
      Poller.await(
          "a replica took over slot " + slot + " from 127.0.0.1:" + killedPort,
          FAILOVER_TIMEOUT,
          () -> {
            for (ClusterNode node : liveNodes()) {
              Optional<ClusterNodes.Node> master = view(node).masterOf(slot);
              if (master.isEmpty() || master.get().port() == killedPort || !stateOk(node)) {
                return false;
              }
            }
            return true;
          });
    } catch (StartupFailure e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Starts every killed node again (it rejoins from its {@code nodes.conf}, as a replica of the
   * node that took over) and waits until the cluster is whole: every node up, none seen as failed,
   * every replica in sync with its master.
   */
  void heal() {
    try {
      for (ClusterNode node : nodes) {
        if (!node.alive()) {
          node.start();
        }
      }
      awaitWhole("the cluster is whole again", FAILOVER_TIMEOUT);
    } catch (StartupFailure e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private void awaitWhole(String what, Duration timeout) throws StartupFailure {
    Poller.await(
        what,
        timeout,
        () -> {
          for (ClusterNode node : nodes) {
            ClusterNodes view = ClusterNodes.parse(RespCall.call(node.port, "CLUSTER", "NODES"));
            if (!stateOk(node) || view.nodes().size() != NODES || !view.allHealthy()) {
              return false;
            }
            String replication = RespCall.call(node.port, "INFO", "replication");
            if (replication.contains("role:slave")
                && !replication.contains("master_link_status:up")) {
              return false;
            }
          }
          return true;
        });
  }

  private static boolean stateOk(ClusterNode node) throws IOException {
    String info = RespCall.call(node.port, "CLUSTER", "INFO");
    return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384");
  }

  private ClusterNodes view(ClusterNode node) {
    try {
      return ClusterNodes.parse(RespCall.call(node.port, "CLUSTER", "NODES"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the cluster's nodes from " + node.port, e);
    }
  }

  private List<ClusterNode> liveNodes() {
    return nodes.stream().filter(ClusterNode::alive).toList();
  }

  private ClusterNode live() {
    return liveNodes().stream()
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("every node of the cluster is down"));
  }

  private ClusterNode node(int port) {
    return nodes.stream()
        .filter(node -> node.port == port)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node on " + port));
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      nodes.forEach(ClusterNode::close);
    }
  }

  @Override
  public String toString() {
    return "Redis Cluster "
        + uri()
        + " (redis-server pids "
        + nodes.stream()
            .map(node -> node.process == null ? "-" : Long.toString(node.process.pid()))
            .collect(Collectors.joining(","))
        + ")";
  }
}
