package io.herald.idgen.lease;

import io.herald.idgen.db.Database;
import io.herald.idgen.db.Dialect;
import io.herald.idgen.db.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Leases as rows of {@code herald_idgen_worker}, one per worker id ever used. Each change is one
 * conditional statement, atomic on its own: an expired row is taken by an {@code UPDATE ... WHERE
 * expires_at < now}, a new worker id by an {@code INSERT} that loses to a concurrent one on the
 * primary key. Expiry is judged by the acquiring server's clock, so servers sharing a pool need
 * clocks that agree to well within the lease's safety margin (NTP).
 */
public final class JdbcLeaseStore implements LeaseStore {
  private static final String TABLE = Schema.WORKER_TABLE;
  private static final int ATTEMPTS = 5;

  private final Database database;
  private final Clock clock;

  public JdbcLeaseStore(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public Optional<Lease> acquire(
      String pool, int workers, String holder, Duration ttl, long highWater) {
    try (Connection c = database.connection()) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        long now = clock.millis();
        TreeMap<Integer, Long> rows = rows(c, pool);
        for (var row : rows.entrySet()) {
          if (row.getKey() < workers && row.getValue() <= now) {
            Optional<Lease> taken = takeExpired(c, pool, row.getKey(), holder, ttl, highWater, now);
            if (taken.isPresent()) {
              return taken;
            }
          }
        }
        int free = 0;
        while (rows.containsKey(free)) {
          free++;
        }
        if (free >= workers) {
          return Optional.empty();
        }
        if (insert(c, pool, free, holder, now + ttl.toMillis(), highWater)) {
          return Optional.of(new Lease(pool, free, holder, 1, 0));
        }
        // Another server inserted the same worker id first: look again.
      }
      return Optional.empty();
    } catch (SQLException e) {
      throw new LeaseStoreException("cannot acquire a " + pool + " worker lease: " + e, e);
    }
  }

  private static TreeMap<Integer, Long> rows(Connection c, String pool) throws SQLException {
    TreeMap<Integer, Long> rows = new TreeMap<>();
    try (PreparedStatement s =
        c.prepareStatement("SELECT worker_id, expires_at FROM " + TABLE + " WHERE pool = ?")) {
      s.setString(1, pool);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.put(rs.getInt(1), rs.getLong(2));
        }
      }
    }
    return rows;
  }

  private static Optional<Lease> takeExpired(
      Connection c, String pool, int worker, String holder, Duration ttl, long highWater, long now)
      throws SQLException {
    long previousToken;
    long previousHighWater;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT token, high_water FROM " + TABLE + " WHERE pool = ? AND worker_id = ?")) {
      s.setString(1, pool);
      s.setInt(2, worker);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        previousToken = rs.getLong(1);
        previousHighWater = rs.getLong(2);
      }
    }
    // Conditional on the token read: if another server took the row in between, this matches none.
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE "
                + TABLE
                + " SET holder = ?, token = token + 1, expires_at = ?,"
                + " high_water = GREATEST(high_water, ?)"
                + " WHERE pool = ? AND worker_id = ? AND token = ? AND expires_at <= ?")) {
      s.setString(1, holder);
      s.setLong(2, now + ttl.toMillis());
      s.setLong(3, highWater);
      s.setString(4, pool);
      s.setInt(5, worker);
      s.setLong(6, previousToken);
      s.setLong(7, now);
      if (s.executeUpdate() != 1) {
        return Optional.empty();
      }
    }
    return Optional.of(new Lease(pool, worker, holder, previousToken + 1, previousHighWater));
  }

  private static boolean insert(
      Connection c, String pool, int worker, String holder, long expiresAt, long highWater)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO "
                + TABLE
                + " (pool, worker_id, holder, token, expires_at, high_water)"
                + " VALUES (?, ?, ?, 1, ?, ?)")) {
      s.setString(1, pool);
      s.setInt(2, worker);
      s.setString(3, holder);
      s.setLong(4, expiresAt);
      s.setLong(5, highWater);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      if (Dialect.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public boolean renew(Lease lease, Duration ttl, long highWater) {
    return update(
        lease,
        "expires_at = ?, high_water = GREATEST(high_water, ?)",
        clock.millis() + ttl.toMillis(),
        highWater);
  }

  @Override
  public void release(Lease lease, long highWater) {
    update(lease, "expires_at = ?, high_water = ?", 0, highWater);
  }

  private boolean update(Lease lease, String set, long expiresAt, long highWater) {
    try (Connection c = database.connection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE "
                    + TABLE
                    + " SET "
                    + set
                    + " WHERE pool = ? AND worker_id = ? AND holder = ? AND token = ?"
                    + " AND expires_at > ?")) {
      s.setLong(1, expiresAt);
      s.setLong(2, highWater);
      s.setString(3, lease.pool());
      s.setInt(4, lease.worker());
      s.setString(5, lease.holder());
      s.setLong(6, lease.token());
      s.setLong(7, clock.millis());
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new LeaseStoreException(
          "cannot update " + lease.pool() + " worker lease " + lease.worker() + ": " + e, e);
    }
  }
}
