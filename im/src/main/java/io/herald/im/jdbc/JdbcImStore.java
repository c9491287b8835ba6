package io.herald.im.jdbc;

import io.herald.im.Appended;
import io.herald.im.ConvKey;
import io.herald.im.ConversationPage;
import io.herald.im.Group;
import io.herald.im.GroupRef;
import io.herald.im.HistoryPage;
import io.herald.im.ImDatabaseConfig;
import io.herald.im.ImStore;
import io.herald.im.Membership;
import io.herald.im.NewMessage;
import io.herald.im.ReadState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ImStore} on JDBC: PostgreSQL in production, an H2 file in PostgreSQL mode embedded. The
 * constructor does no I/O; {@link #start()} opens the pool and applies the Flyway migrations of
 * {@code db/im}; {@link #stop()} closes the pool (calls after it fail as unavailable). Both are
 * idempotent. Thread-safe; each call takes a pooled connection for its duration.
 */
public final class JdbcImStore implements ImStore {
  /** The tables, for {@link #tableBytes()}. */
  public static final List<String> TABLES =
      List.of("im_group", "im_member", "im_conversation", "im_message", "im_read");

  private final ImDatabase database;
  private final Jdbc jdbc;
  private final GroupSql groups;
  private final MessageSql messages;
  private final ConversationSql conversations;

  public JdbcImStore(ImDatabaseConfig config) {
    this.database = new ImDatabase(config);
    this.jdbc = new Jdbc(database);
    this.groups = new GroupSql(jdbc);
    this.messages = new MessageSql(jdbc);
    this.conversations = new ConversationSql(jdbc, groups, messages);
  }

  /**
   * Opens the pool and migrates the schema.
   *
   * @throws IllegalStateException if the database cannot be reached or migrated
   */
  public void start() {
    database.start();
  }

  /** Closes the pool; later calls throw {@link io.herald.im.ImUnavailableException}. */
  public void stop() {
    database.stop();
  }

  /** Statements sent since construction (a batch counts once); the bench divides by messages. */
  public long statements() {
    return jdbc.statements();
  }

  /**
   * Bytes each IM table takes with its indexes now: {@code pg_total_relation_size} on PostgreSQL,
   * H2's {@code DISK_SPACE_USED} (approximate) embedded. For the bench: compare before and after N
   * messages.
   */
  public Map<String, Long> tableBytes() {
    String sql =
        database.postgres()
            ? "SELECT pg_total_relation_size(CAST(? AS regclass))"
            : "SELECT DISK_SPACE_USED(?)";
    return jdbc.call(
        "tableBytes",
        c -> {
          Map<String, Long> sizes = new LinkedHashMap<>();
          try (PreparedStatement s = c.prepareStatement(sql)) {
            for (String table : TABLES) {
              s.setString(
                  1, database.postgres() ? table : table.toUpperCase(java.util.Locale.ROOT));
              try (ResultSet rs = s.executeQuery()) {
                rs.next();
                sizes.put(table, rs.getLong(1));
              }
            }
          }
          return sizes;
        });
  }

  @Override
  public Group createGroup(
      long groupId, long owner, String name, Collection<Long> members, long nowMs) {
    return groups.create(groupId, owner, name, members, nowMs);
  }

  @Override
  public List<Long> addMembers(long groupId, Collection<Long> mids, long nowMs, int maxMembers) {
    return groups.add(groupId, mids, nowMs, maxMembers);
  }

  @Override
  public List<Long> removeMembers(long groupId, Collection<Long> mids) {
    return groups.remove(groupId, mids);
  }

  @Override
  public Optional<Group> group(long groupId) {
    return groups.group(groupId);
  }

  @Override
  public long[] members(long groupId) {
    return groups.members(groupId);
  }

  @Override
  public Optional<Membership> member(long groupId, long mid) {
    return groups.member(groupId, mid);
  }

  @Override
  public List<GroupRef> groupsOf(long mid) {
    return groups.groupsOf(mid);
  }

  @Override
  public Appended append(NewMessage message) {
    return messages.append(message);
  }

  @Override
  public HistoryPage history(
      ConvKey conv, long afterSeq, long beforeSeq, long minSeqExclusive, int limit) {
    return messages.history(conv, afterSeq, beforeSeq, minSeqExclusive, limit);
  }

  @Override
  public ConversationPage conversations(long mid, long beforeUpdatedMs, int limit, int unreadCap) {
    return conversations.list(mid, beforeUpdatedMs, limit, unreadCap);
  }

  @Override
  public ReadState markRead(long mid, ConvKey conv, long seq, int unreadCap) {
    return conversations.markRead(mid, conv, seq, unreadCap);
  }
}
