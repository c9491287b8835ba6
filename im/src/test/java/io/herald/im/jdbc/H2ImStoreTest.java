package io.herald.im.jdbc;

import io.herald.im.ImDatabaseConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default: an H2 file in PostgreSQL mode. */
class H2ImStoreTest extends ImStoreContract {
  @TempDir Path dir;

  @Override
  ImDatabaseConfig database() {
    return new ImDatabaseConfig(
        "jdbc:h2:file:" + dir.resolve("im") + ";MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE",
        "",
        "",
        4,
        Duration.ofSeconds(5));
  }

  @Override
  long statementsPerAppend() {
    return 2; // the bump and the insert, in one local transaction
  }
}
