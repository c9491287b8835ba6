package io.herald.idgen.segment;

import io.herald.idgen.db.DatabaseConfig;
import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealPostgres;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;

/** The segment contract on a real PostgreSQL (a schema of each test's own). */
@RealPostgres
class PostgresSegmentIT extends SegmentContract {
  private PostgresServer postgres;

  @BeforeEach
  void connect(PostgresServer postgres) {
    this.postgres = postgres;
  }

  @Override
  DatabaseConfig database() {
    return new DatabaseConfig(
        postgres.jdbcUrl(), postgres.user(), postgres.password(), 4, Duration.ofSeconds(5));
  }
}
