package io.herald.it.failure;

import io.herald.client.ConnectionInfo;
import io.herald.client.HeraldClient;
import io.herald.client.HeraldListener;
import io.herald.client.InboxPosition;
import io.herald.client.InboxReset;
import io.herald.client.MemoryInboxStore;
import io.herald.client.Message;
import io.herald.it.support.TestDevices;
import io.herald.testkit.cluster.HeraldCluster;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A protocol 2 device of the Java SDK, as an application runs it: it walks its Comets when its
 * connection goes, acks, SYNCs after every reconnect and on a notice, drops duplicates by message
 * id, and is in the suite's room. It counts what the application is handed.
 */
public final class SdkDevice implements Receiver, AutoCloseable {
  private final long mid;
  private final String key;
  private final HeraldClient client;
  private final Map<Long, Integer> counts = new ConcurrentHashMap<>();
  private final Map<Long, Long> firstSeen = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean connected;
  private volatile long lastReset;

  SdkDevice(long mid, HeraldCluster.Comet... comets) {
    this(mid, "fs-" + mid, comets);
  }

  private SdkDevice(long mid, String key, HeraldCluster.Comet... comets) {
    this.mid = mid;
    this.key = key;
    client =
        TestDevices.tcp(mid, comets)
            .key(key)
            .room("live://" + PushKind.ROOM_ID)
            .inboxStore(new MemoryInboxStore())
            .listener(
                new HeraldListener() {
                  @Override
                  public void onConnected(ConnectionInfo info) {
                    connections.incrementAndGet();
                    connected = true;
                  }

                  @Override
                  public void onDisconnected(String reason, boolean reconnecting) {
                    connected = false;
                  }

                  @Override
                  public void onMessage(Message message) {
                    String text = message.text();
                    if (message.op() == 1000 && text.startsWith("fs ")) {
                      long number = Long.parseLong(text.substring(3));
                      firstSeen.putIfAbsent(number, System.nanoTime());
                      counts.merge(number, 1, Integer::sum);
                    }
                  }

                  @Override
                  public void onInboxReset(InboxReset reset) {
                    lastReset = System.nanoTime();
                  }
                })
            .build();
  }

  /**
   * Another device of user {@code mid}, started now and connected: its first SYNC (it holds no
   * position) reads the user's whole inbox.
   */
  public static SdkDevice another(long mid, String key, HeraldCluster.Comet... comets) {
    return new SdkDevice(mid, key, comets).started();
  }

  SdkDevice started() {
    try {
      client.start().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("device " + mid + " did not connect", e);
    }
    return this;
  }

  @Override
  public String name() {
    return "sdk " + key;
  }

  @Override
  public long mid() {
    return mid;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public boolean sdk() {
    return true;
  }

  @Override
  public int connection() {
    return connected ? connections.get() : -1;
  }

  @Override
  public String node() {
    return client.connection().map(ConnectionInfo::node).orElse("");
  }

  /** Where the device is in its user's inbox. */
  public Optional<InboxPosition> inboxPosition() {
    return client.inboxPosition();
  }

  @Override
  public Map<Long, Integer> counts() {
    return Map.copyOf(counts);
  }

  @Override
  public Map<Long, Long> firstSeen() {
    return Map.copyOf(firstSeen);
  }

  @Override
  public long lastResetNanos() {
    return lastReset;
  }

  @Override
  public void close() {
    client.close();
  }
}
