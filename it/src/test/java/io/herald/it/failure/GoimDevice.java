package io.herald.it.failure;

import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * A goim (protocol version 1) connection in the suite's room, as goim's clients hold one: plain
 * frames, no acks, no SYNC. When its connection goes it connects again to the first Comet that
 * takes it ({@link #reconnectIfClosed}); what every connection received counts.
 */
public final class GoimDevice implements Receiver, AutoCloseable {
  private final long mid;
  private final String key;
  private final List<WireClient> connections = new ArrayList<>();
  private volatile WireClient current;
  private volatile int generation;

  GoimDevice(long mid) {
    this.mid = mid;
    this.key = "goim-" + mid;
  }

  /**
   * Connects (again) when it has no open connection, trying each of {@code tcpPorts} in turn; a
   * Comet that is down or refuses is skipped until the next call.
   */
  synchronized void reconnectIfClosed(List<IntSupplier> tcpPorts) {
    if (current != null && !current.isClosed()) {
      return;
    }
    for (IntSupplier port : tcpPorts) {
      WireClient client = null;
      try {
        client = WireClient.tcp(port.getAsInt(), ProtocolVersion.V1);
        client.auth(mid, key, "live://" + PushKind.ROOM_ID);
        connections.add(client);
        generation++;
        current = client;
        return;
      } catch (RuntimeException | AssertionError e) {
        if (client != null) {
          client.close();
        }
      }
    }
  }

  @Override
  public String name() {
    return "goim " + mid;
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
    return false;
  }

  @Override
  public int connection() {
    WireClient client = current;
    return client == null || client.isClosed() ? -1 : generation;
  }

  @Override
  public String node() {
    return "";
  }

  @Override
  public synchronized Map<Long, Integer> counts() {
    Map<Long, Integer> counts = new HashMap<>();
    for (WireClient client : connections) {
      for (String text : client.texts()) {
        if (text.startsWith("fs ")) {
          counts.merge(Long.parseLong(text.substring(3)), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  @Override
  public Map<Long, Long> firstSeen() {
    return Map.of();
  }

  @Override
  public long lastResetNanos() {
    return 0;
  }

  @Override
  public synchronized void close() {
    connections.forEach(WireClient::close);
  }
}
