package io.herald.idgen.segment;

import io.herald.idgen.db.DatabaseConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The segment contract on the embedded default: an H2 file, as {@code herald standalone} uses. */
class H2SegmentTest extends SegmentContract {
  @TempDir Path directory;

  @Override
  DatabaseConfig database() {
    return new DatabaseConfig(
        "jdbc:h2:file:" + directory.resolve("idgen") + ";MODE=PostgreSQL;AUTO_SERVER=FALSE",
        "",
        "",
        4,
        Duration.ofSeconds(5));
  }
}
