package io.herald.idgen.lease;

import io.herald.idgen.db.Database;
import io.herald.idgen.db.DatabaseConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Leases in the embedded H2 file. */
class H2LeaseTest extends LeaseContract {
  @TempDir Path directory;
  private final List<Database> databases = new ArrayList<>();

  @Override
  LeaseStore store() {
    Database database =
        new Database(
            new DatabaseConfig(
                "jdbc:h2:file:" + directory.resolve("idgen") + ";MODE=PostgreSQL",
                "",
                "",
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
