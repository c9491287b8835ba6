package io.herald.idgen.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A pooled connection to the id database (HikariCP). The constructor does no I/O; {@link #start()}
 * opens the pool and migrates the schema; {@link #stop()} closes it. Both are idempotent.
 */
public final class Database {
  private final DatabaseConfig config;
  private final Dialect dialect;
  private HikariDataSource pool;

  public Database(DatabaseConfig config) {
    this.config = config;
    this.dialect = config.dialect();
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Opens the pool (it checks one connection) and creates or migrates the schema. */
  public synchronized void start() {
    if (pool != null) {
      return;
    }
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.url());
    if (!config.user().isEmpty()) {
      hikari.setUsername(config.user());
    }
    if (!config.password().isEmpty()) {
      hikari.setPassword(config.password());
    }
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(config.connectTimeout().toMillis());
    hikari.setInitializationFailTimeout(config.connectTimeout().toMillis());
    hikari.setPoolName("herald-idgen");
    HikariDataSource opened = new HikariDataSource(hikari);
    try {
      Schema.migrate(opened, dialect);
    } catch (SQLException | RuntimeException e) {
      opened.close();
      throw new IllegalStateException("cannot migrate the idgen schema: " + e.getMessage(), e);
    }
    pool = opened;
  }

  /** A connection from the pool, in auto-commit mode; the caller closes it. */
  public Connection connection() throws SQLException {
    HikariDataSource current;
    synchronized (this) {
      current = pool;
    }
    if (current == null) {
      throw new SQLException("database not started");
    }
    return current.getConnection();
  }

  public synchronized void stop() {
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }
}
