package io.herald.comet.session;

import io.herald.wire.ProtocolVersion;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One authenticated client connection: who it is, the transport it came on, the version it speaks,
 * its rooms and the ops it accepts. Held by its channel's connection handler once AUTH succeeds,
 * and by the {@link Buckets}. Its rooms and accepts are replaced copy-on-write on the channel's
 * event loop and read from any thread (pushes), so every read sees a consistent set without
 * locking.
 *
 * <p>Kept small (48 bytes), as a Comet holds many thousands: one room is held as its id alone (not
 * a set), the id being the room's own string once {@link Buckets} has placed the connection; the op
 * filter is one array (shared by every connection that takes all ops); the platform is interned;
 * the version and the transport are one byte each, and whether it has synced is a boolean in the
 * padding the object had anyway.
 */
public final class Connection {
  /**
   * How far past the high watermark a connection's queue may grow before frames to it are dropped:
   * a burst (pushes arrive faster than one event loop turn writes them) briefly makes even a
   * healthy connection unwritable, and must not cost it messages. A client that stops reading stays
   * unwritable and is closed by the transport's client handler; until then it holds at most this
   * many times the high mark.
   */
  public static final int QUEUE_LIMIT_FACTOR = 4;

  private static final ProtocolVersion[] VERSIONS = ProtocolVersion.values();
  private static final TransportKind[] TRANSPORTS = TransportKind.values();

  /*
   * The op filter: its first element says how to read the sorted ops after it: ACCEPTED, the only
   * ops pushed; REFUSED, the ops not pushed (every other is). Replaced whole, so a reader sees one
   * state or the next.
   */
  private static final int ACCEPTED = 0;
  private static final int REFUSED = 1;
  private static final int[] ALL = {REFUSED};

  private final Channel channel;
  private final int id;
  private final long mid;
  private final String key;
  private final String platform;
  // Ordinals: two bytes where two references would take eight, so the object stays at 48 bytes.
  private final byte version;
  private final byte transport;

  /** Whether the client sent a SYNC; fits the padding after the two bytes above (still 48). */
  private boolean pulls;

  /** The one room's id, or an immutable set of them (none or several). */
  private volatile Object rooms;

  private volatile int[] filter;

  /**
   * @param transport the transport it came on
   * @param id this connection's id, unique among this Comet process's connections ({@link
   *     ConnectionIds}); Logic fences every removal and renewal of its session by it
   * @param accepts the ops pushed to this connection; empty means every op
   */
  public Connection(
      Channel channel,
      TransportKind transport,
      int id,
      long mid,
      String key,
      String platform,
      ProtocolVersion version,
      Set<String> rooms,
      int[] accepts) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.id = id;
    this.mid = mid;
    this.key = Objects.requireNonNull(key, "key");
    // A few platforms among all connections: one string for each instead of one per connection.
    this.platform = platform == null ? "" : platform.intern();
    this.version = (byte) Objects.requireNonNull(version, "version").ordinal();
    this.transport = (byte) Objects.requireNonNull(transport, "transport").ordinal();
    this.rooms = compact(rooms);
    this.filter = accepts == null || accepts.length == 0 ? ALL : filter(ACCEPTED, accepts);
  }

  public Channel channel() {
    return channel;
  }

  /** This connection's id among this Comet process's connections (Logic's {@code conn_id}). */
  public long id() {
    return id;
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
    return VERSIONS[version];
  }

  /** The transport the client connected on. */
  public TransportKind transport() {
    return TRANSPORTS[transport];
  }

  /**
   * Whether the client has sent a SYNC (op 19) on this connection: it pulls from the inbox, so
   * stored messages piling up unacked may reach it as a notice to pull instead. Read and set on the
   * channel's event loop only.
   */
  public boolean pulls() {
    return pulls;
  }

  /** Records that the client sent a SYNC (on the channel's event loop); it stays so. */
  public void pulled() {
    pulls = true;
  }

  /**
   * Whether a frame written to it now would be queued rather than dropped: its channel is open and
   * its outbound queue is within {@link #QUEUE_LIMIT_FACTOR} times the high watermark.
   */
  public boolean canWrite() {
    return channel.isActive() && hasRoom();
  }

  /** Whether its outbound queue has room for a frame (whether or not the channel is open). */
  public boolean hasRoom() {
    if (channel.isWritable()) {
      return true;
    }
    WriteBufferWaterMark marks = channel.config().getWriteBufferWaterMark();
    long queued = channel.bytesBeforeWritable() + marks.low();
    return queued < (long) marks.high() * QUEUE_LIMIT_FACTOR;
  }

  /** The rooms it is in ({@code type://id}); an immutable snapshot. */
  @SuppressWarnings("unchecked") // compact() stores a String or a Set<String>
  public Set<String> rooms() {
    Object current = rooms;
    return current instanceof String room ? Set.of(room) : (Set<String>) current;
  }

  /** Replaces its rooms (call {@link Buckets} to move its membership; this is the record). */
  void rooms(Set<String> rooms) {
    this.rooms = compact(rooms);
  }

  private static Object compact(Set<String> rooms) {
    return rooms.size() == 1 ? rooms.iterator().next() : Set.copyOf(rooms);
  }

  /** Whether a push of {@code op} goes to this connection. */
  public boolean accepts(int op) {
    int[] filter = this.filter;
    boolean listed = Arrays.binarySearch(filter, 1, filter.length, op) >= 0;
    return filter[0] == ACCEPTED ? listed : !listed;
  }

  /** Adds ops to the accepted ones (op 14 SUB). */
  public void subscribe(int... added) {
    int[] filter = this.filter;
    this.filter =
        filter[0] == ACCEPTED
            ? filter(ACCEPTED, IntStream.concat(ops(filter), Arrays.stream(added)).toArray())
            : filter(REFUSED, without(ops(filter), added));
  }

  /** Removes ops from the accepted ones (op 16 UNSUB). */
  public void unsubscribe(int... removed) {
    int[] filter = this.filter;
    this.filter =
        filter[0] == ACCEPTED
            ? filter(ACCEPTED, without(ops(filter), removed))
            : filter(REFUSED, IntStream.concat(ops(filter), Arrays.stream(removed)).toArray());
  }

  private static IntStream ops(int[] filter) {
    return Arrays.stream(filter, 1, filter.length);
  }

  private static int[] without(IntStream ops, int[] removed) {
    return ops.filter(op -> Arrays.stream(removed).noneMatch(o -> o == op)).toArray();
  }

  /** A filter of {@code mode} over {@code ops} (sorted, without duplicates). */
  private static int[] filter(int mode, int[] ops) {
    if (mode == REFUSED && ops.length == 0) {
      return ALL;
    }
    return IntStream.concat(IntStream.of(mode), Arrays.stream(ops).distinct().sorted()).toArray();
  }

  @Override
  public String toString() {
    return "Connection(#"
        + id
        + ", mid="
        + mid
        + ", key="
        + key
        + ", "
        + transport()
        + ", "
        + version()
        + ", rooms="
        + rooms()
        + ")";
  }
}
