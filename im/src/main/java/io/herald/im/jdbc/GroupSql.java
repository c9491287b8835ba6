package io.herald.im.jdbc;

import io.herald.im.ConvKey;
import io.herald.im.ConvKind;
import io.herald.im.Group;
import io.herald.im.GroupFullException;
import io.herald.im.GroupRef;
import io.herald.im.Membership;
import io.herald.im.NoSuchGroupException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Groups and their members: im_group (with its member_count), im_member. */
final class GroupSql {
  private final Jdbc jdbc;

  GroupSql(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  Group create(long groupId, long owner, String name, Collection<Long> members, long nowMs) {
    ConvKey conv = ConvKey.group(groupId);
    if (name == null || name.length() > 128) {
      throw new IllegalArgumentException(
          "name: " + name + " (expected: a name of up to 128 characters)");
    }
    if (owner < 0) {
      throw new IllegalArgumentException("owner: " + owner + " (expected: >= 0)");
    }
    Set<Long> mids = new LinkedHashSet<>();
    if (owner != 0) {
      mids.add(owner);
    }
    mids.addAll(checkedMids(members));
    return jdbc.transaction(
        "createGroup",
        c -> {
          try (PreparedStatement group =
                  jdbc.prepare(
                      c,
                      "INSERT INTO im_group (id, name, owner, created_ms, member_count)"
                          + " VALUES (?, ?, ?, ?, ?)");
              PreparedStatement conversation =
                  jdbc.prepare(
                      c,
                      "INSERT INTO im_conversation (conv_key, kind, lo, hi, group_id, last_seq,"
                          + " last_message_id, updated_ms) VALUES (?, ?, ?, ?, ?, 0, 0, ?)")) {
            group.setLong(1, groupId);
            group.setString(2, name);
            group.setLong(3, owner);
            group.setLong(4, nowMs);
            group.setInt(5, mids.size());
            group.executeUpdate();
            conversation.setString(1, conv.value());
            conversation.setInt(2, ConvKind.GROUP.code());
            conversation.setNull(3, Types.BIGINT);
            conversation.setNull(4, Types.BIGINT);
            conversation.setLong(5, groupId);
            conversation.setLong(6, nowMs);
            conversation.executeUpdate();
          } catch (SQLException e) {
            if (Jdbc.isConstraintViolation(e)) {
              throw new IllegalStateException("group " + groupId + " exists", e);
            }
            throw e;
          }
          insertMembers(c, groupId, mids, 0, nowMs);
          return new Group(groupId, name, owner, mids.size(), nowMs, 0);
        });
  }

  List<Long> add(long groupId, Collection<Long> members, long nowMs, int maxMembers) {
    Set<Long> mids = checkedMids(members);
    return jdbc.transaction(
        "addMembers",
        c -> {
          int count = lockGroup(c, groupId);
          long lastSeq;
          try (PreparedStatement s =
              jdbc.prepare(c, "SELECT last_seq FROM im_conversation WHERE conv_key = ?")) {
            s.setString(1, ConvKey.group(groupId).value());
            try (ResultSet rs = s.executeQuery()) {
              lastSeq = rs.next() ? rs.getLong(1) : 0;
            }
          }
          List<Long> added = insertMembers(c, groupId, mids, lastSeq, nowMs);
          if ((long) count + added.size() > maxMembers) {
            throw new GroupFullException(groupId, count, added.size(), maxMembers);
          }
          updateCount(c, groupId, added.size());
          return added;
        });
  }

  List<Long> remove(long groupId, Collection<Long> members) {
    Set<Long> mids = checkedMids(members);
    return jdbc.transaction(
        "removeMembers",
        c -> {
          lockGroup(c, groupId);
          List<Long> removed = new ArrayList<>();
          try (PreparedStatement delete =
              jdbc.prepare(c, "DELETE FROM im_member WHERE group_id = ? AND mid = ?")) {
            for (long mid : mids) {
              delete.setLong(1, groupId);
              delete.setLong(2, mid);
              delete.addBatch();
            }
            int[] counts = mids.isEmpty() ? new int[0] : delete.executeBatch();
            int i = 0;
            for (long mid : mids) {
              if (counts[i++] > 0) {
                removed.add(mid);
              }
            }
          }
          updateCount(c, groupId, -removed.size());
          return removed;
        });
  }

  Optional<Group> group(long groupId) {
    return jdbc.call(
        "group",
        c -> {
          try (PreparedStatement s =
              jdbc.prepare(
                  c,
                  "SELECT g.name, g.owner, g.member_count, g.created_ms, c.last_seq FROM im_group g"
                      + " LEFT JOIN im_conversation c ON c.conv_key = ? WHERE g.id = ?")) {
            s.setString(1, ConvKey.group(groupId).value());
            s.setLong(2, groupId);
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new Group(
                      groupId,
                      rs.getString(1),
                      rs.getLong(2),
                      rs.getInt(3),
                      rs.getLong(4),
                      rs.getLong(5)));
            }
          }
        });
  }

  long[] members(long groupId) {
    return jdbc.call(
        "members",
        c -> {
          List<Long> mids = new ArrayList<>();
          try (PreparedStatement s =
              jdbc.prepare(c, "SELECT mid FROM im_member WHERE group_id = ? ORDER BY mid")) {
            s.setLong(1, groupId);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                mids.add(rs.getLong(1));
              }
            }
          }
          if (mids.isEmpty() && !exists(c, groupId)) {
            throw new NoSuchGroupException(groupId);
          }
          return mids.stream().mapToLong(Long::longValue).toArray();
        });
  }

  Optional<Membership> member(long groupId, long mid) {
    return jdbc.call("member", c -> membership(c, groupId, mid));
  }

  Optional<Membership> membership(Connection c, long groupId, long mid) throws SQLException {
    try (PreparedStatement s =
        jdbc.prepare(
            c, "SELECT joined_seq, joined_ms FROM im_member WHERE group_id = ? AND mid = ?")) {
      s.setLong(1, groupId);
      s.setLong(2, mid);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next()
            ? Optional.of(new Membership(groupId, mid, rs.getLong(1), rs.getLong(2)))
            : Optional.empty();
      }
    }
  }

  List<GroupRef> groupsOf(long mid) {
    return jdbc.call(
        "groupsOf",
        c -> {
          List<GroupRef> groups = new ArrayList<>();
          try (PreparedStatement s =
              jdbc.prepare(
                  c,
                  "SELECT m.group_id, g.member_count FROM im_member m"
                      + " JOIN im_group g ON g.id = m.group_id WHERE m.mid = ? ORDER BY m.group_id")) {
            s.setLong(1, mid);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                groups.add(new GroupRef(rs.getLong(1), rs.getInt(2)));
              }
            }
          }
          return groups;
        });
  }

  /** Locks the group's row for this transaction; returns its member count. */
  private int lockGroup(Connection c, long groupId) throws SQLException {
    try (PreparedStatement s =
        jdbc.prepare(c, "SELECT member_count FROM im_group WHERE id = ? FOR UPDATE")) {
      s.setLong(1, groupId);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchGroupException(groupId);
        }
        return rs.getInt(1);
      }
    }
  }

  private boolean exists(Connection c, long groupId) throws SQLException {
    try (PreparedStatement s = jdbc.prepare(c, "SELECT 1 FROM im_group WHERE id = ?")) {
      s.setLong(1, groupId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Inserts the members not there yet (one batch); returns those inserted, in order. */
  private List<Long> insertMembers(
      Connection c, long groupId, Set<Long> mids, long joinedSeq, long nowMs) throws SQLException {
    List<Long> added = new ArrayList<>();
    if (mids.isEmpty()) {
      return added;
    }
    try (PreparedStatement insert =
        jdbc.prepare(
            c,
            "INSERT INTO im_member (group_id, mid, joined_seq, joined_ms) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
      for (long mid : mids) {
        insert.setLong(1, groupId);
        insert.setLong(2, mid);
        insert.setLong(3, joinedSeq);
        insert.setLong(4, nowMs);
        insert.addBatch();
      }
      int[] counts = insert.executeBatch();
      int i = 0;
      for (long mid : mids) {
        if (counts[i++] > 0) {
          added.add(mid);
        }
      }
    }
    return added;
  }

  private void updateCount(Connection c, long groupId, int delta) throws SQLException {
    if (delta == 0) {
      return;
    }
    try (PreparedStatement s =
        jdbc.prepare(c, "UPDATE im_group SET member_count = member_count + ? WHERE id = ?")) {
      s.setInt(1, delta);
      s.setLong(2, groupId);
      s.executeUpdate();
    }
  }

  private static Set<Long> checkedMids(Collection<Long> mids) {
    Set<Long> checked = new LinkedHashSet<>();
    for (Long mid : mids) {
      if (mid == null || mid <= 0) {
        throw new IllegalArgumentException("mid: " + mid + " (expected: > 0)");
      }
      checked.add(mid);
    }
    return checked;
  }
}
