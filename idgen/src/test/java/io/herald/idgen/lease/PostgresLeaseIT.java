package io.herald.idgen.lease;

import io.herald.idgen.db.Database;
import io.herald.idgen.db.DatabaseConfig;
import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Leases in a real PostgreSQL. */
@RealPostgres
class PostgresLeaseIT extends LeaseContract {
  private PostgresServer postgres;
  private final List<Database> databases = new ArrayList<>();

  @BeforeEach
  void connect(PostgresServer postgres) {
    this.postgres = postgres;
  }

  @Override
  LeaseStore store() {
    Database database =
        new Database(
            new DatabaseConfig(
                postgres.jdbcUrl(),
                postgres.user(),
                postgres.password(),
                2,
                Duration.ofSeconds(5)));
    database.start();
    databases.add(database);
    return new JdbcLeaseStore(database, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    databases.forEach(Database::stop);
  }
}
