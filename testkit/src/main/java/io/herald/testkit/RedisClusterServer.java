package io.herald.testkit;

import java.time.Duration;
import java.util.List;

/**
 * A real Redis Cluster (three masters, three replicas) as one test sees it: the seed nodes, the
 * prefix the test's keys should start with, and a way to fail over the master that holds a key.
 */
public final class RedisClusterServer {

  private final RedisClusterInstance cluster;
  private final String keyPrefix;

  RedisClusterServer(RedisClusterInstance cluster, String keyPrefix) {
    this.cluster = cluster;
    this.keyPrefix = keyPrefix;
  }

  /**
   * Every node as a seed, {@code redis://127.0.0.1:P1,127.0.0.1:P2,...}, as Lettuce's {@code
   * RedisClusterClient.create} and Herald's {@code mode: cluster} take it.
   */
  public String uri() {
    return cluster.uri();
  }

  /** The client ports of the six nodes. */
  public List<Integer> ports() {
    return cluster.ports();
  }

  /** Unique to this test (or class), for example {@code "test:k3x9a-7-failover:"}. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** {@code name} under this test's {@link #keyPrefix()}. */
  public String key(String name) {
    return keyPrefix + name;
  }

  /** The cluster slot of {@code key}. */
  public int slotOf(String key) {
    return cluster.slotOf(key);
  }

  /** The client port of the master that serves {@code key} now. */
  public int masterPortOf(String key) {
    return cluster.masterPortOf(cluster.slotOf(key));
  }

  /**
   * Holds every write the master of {@code key} receives for {@code duration} ({@code CLIENT PAUSE
   * ms WRITE}): reads still answer, and the other masters run as usual, so a test sees what a
   * reader finds between two writes a client sent to two masters at once.
   */
  public void pauseWritesOnMasterOf(String key, Duration duration) {
    cluster.pauseWrites(cluster.masterPortOf(cluster.slotOf(key)), duration);
  }

  /**
   * Waits until every replica has received what its master has written so far, so that the writes
   * made before the call survive a failover. (Redis replicates asynchronously: a write a master
   * acknowledged just before it died may be missing on the replica that takes over.)
   */
  public void awaitReplicated() {
    cluster.awaitReplicated();
  }

  /**
   * Kills (SIGKILL) the master that holds {@code key}, waits until its replica has taken over the
   * key's slot and the cluster reports {@code cluster_state:ok} again, and returns how long that
   * took. The killed node stays down until {@link #heal()} (the extension heals the cluster after
   * each test or class).
   */
  public Duration failOverMasterOf(String key) {
    Failover failover = killMasterOf(key);
    failover.awaitPromoted();
    return failover.elapsed();
  }

  /** Kills (SIGKILL) the master that holds {@code key} and returns the failover under way. */
  public Failover killMasterOf(String key) {
    int slot = cluster.slotOf(key);
    long start = System.nanoTime();
    int port = cluster.killMasterOf(slot);
    return new Failover(cluster, slot, port, start);
  }

  /** Starts the killed nodes again and waits until they are in-sync replicas. */
  public void heal() {
    cluster.heal();
  }

  /** A master killed for a test, and the replica taking over its slots. */
  public static final class Failover {
    private final RedisClusterInstance cluster;
    private final int slot;
    private final int killedPort;
    private final long startNanos;
    private long promotedNanos;

    Failover(RedisClusterInstance cluster, int slot, int killedPort, long startNanos) {
      this.cluster = cluster;
      this.slot = slot;
      this.killedPort = killedPort;
      this.startNanos = startNanos;
    }

    /** The client port of the killed master. */
    public int killedPort() {
      return killedPort;
    }

    /** Waits until a replica serves the slot and the cluster is {@code ok} again. */
    public Failover awaitPromoted() {
      cluster.awaitPromoted(slot, killedPort);
      promotedNanos = System.nanoTime();
      return this;
    }

    /** From the kill to the promotion (once {@link #awaitPromoted()} returned). */
    public Duration elapsed() {
      if (promotedNanos == 0) {
        throw new IllegalStateException("not promoted yet");
      }
      return Duration.ofNanos(promotedNanos - startNanos);
    }
  }

  @Override
  public String toString() {
    return "RedisClusterServer{" + uri() + ", keyPrefix=" + keyPrefix + "}";
  }
}
