package io.herald.comet.session;

import io.herald.wire.ProtocolVersion;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One authenticated client connection: who it is, the version it speaks, its rooms and the ops it
 * accepts. Attached to its channel under {@link #KEY} once AUTH succeeds. Its rooms and accepts are
 * replaced copy-on-write on the channel's event loop and read from any thread (pushes), so every
 * read sees a consistent set without locking. Kept small: a Comet holds many thousands.
 */
public final class Connection {
  public static final AttributeKey<Connection> KEY = AttributeKey.valueOf("herald.connection");

  private static final int[] NONE = new int[0];

  private final Channel channel;
  private final long mid;
  private final String key;
  private final String platform;
  private final ProtocolVersion version;
  private volatile Set<String> rooms;
  private volatile Ops ops;

  /**
   * @param accepts the ops pushed to this connection; empty means every op
   */
  public Connection(
      Channel channel,
      long mid,
      String key,
      String platform,
      ProtocolVersion version,
      Set<String> rooms,
      int[] accepts) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.mid = mid;
    this.key = Objects.requireNonNull(key, "key");
    this.platform = platform == null ? "" : platform;
    this.version = Objects.requireNonNull(version, "version");
    this.rooms = Set.copyOf(rooms);
    this.ops =
        accepts == null || accepts.length == 0
            ? new Ops(null, NONE)
            : new Ops(union(accepts, NONE), NONE);
  }

  /** The connection of {@code channel}, or {@code null} before AUTH succeeded. */
  public static Connection of(Channel channel) {
    return channel.attr(KEY).get();
  }

  public Channel channel() {
    return channel;
  }

  public long mid() {
    return mid;
  }

  public String key() {
    return key;
  }

  public String platform() {
    return platform;
  }

  /** The protocol version the client spoke in its AUTH; every frame to it is written in it. */
  public ProtocolVersion version() {
    return version;
  }

  /** The rooms it is in ({@code type://id}); an immutable snapshot. */
  public Set<String> rooms() {
    return rooms;
  }

  /** Replaces its rooms (call {@link Buckets} to move its membership; this is the record). */
  void rooms(Set<String> rooms) {
    this.rooms = Set.copyOf(rooms);
  }

  /** Whether a push of {@code op} goes to this connection. */
  public boolean accepts(int op) {
    Ops ops = this.ops;
    return ops.accepted == null
        ? Arrays.binarySearch(ops.refused, op) < 0
        : Arrays.binarySearch(ops.accepted, op) >= 0;
  }

  /** Adds ops to the accepted ones (op 14 SUB). */
  public void subscribe(int... added) {
    Ops ops = this.ops;
    this.ops =
        ops.accepted == null
            ? new Ops(null, without(ops.refused, added))
            : new Ops(union(ops.accepted, added), NONE);
  }

  /** Removes ops from the accepted ones (op 16 UNSUB). */
  public void unsubscribe(int... removed) {
    Ops ops = this.ops;
    this.ops =
        ops.accepted == null
            ? new Ops(null, union(ops.refused, removed))
            : new Ops(without(ops.accepted, removed), NONE);
  }

  /**
   * The ops a connection takes: {@code accepted} (sorted) if it named them, or every op but {@code
   * refused} (sorted) if it named none. Replaced whole, so readers see one or the other.
   */
  private static final class Ops {
    final int[] accepted;
    final int[] refused;

    Ops(int[] accepted, int[] refused) {
      this.accepted = accepted;
      this.refused = refused;
    }
  }

  private static int[] union(int[] a, int[] b) {
    return IntStream.concat(Arrays.stream(a), Arrays.stream(b)).distinct().sorted().toArray();
  }

  private static int[] without(int[] a, int[] b) {
    return Arrays.stream(a).filter(op -> Arrays.stream(b).noneMatch(o -> o == op)).toArray();
  }

  @Override
  public String toString() {
    return "Connection(mid=" + mid + ", key=" + key + ", " + version + ", rooms=" + rooms + ")";
  }
}
