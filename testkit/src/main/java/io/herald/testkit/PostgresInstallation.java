package io.herald.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finds the PostgreSQL server binaries Debian installs under /usr/lib/postgresql/VERSION/bin. */
final class PostgresInstallation {

  static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

  private PostgresInstallation() {}

  /** The bin directory of the highest version under {@code root} that has initdb and pg_ctl. */
  static Path binDirectory(Path root) throws StartupFailure {
    List<Path> versions;
    try (Stream<Path> children = Files.list(root)) {
      versions =
          children
              .filter(dir -> Files.isExecutable(dir.resolve("bin/initdb")))
              .filter(dir -> Files.isExecutable(dir.resolve("bin/pg_ctl")))
              .collect(Collectors.toList());
    } catch (IOException e) {
      versions = List.of();
    }
    return highest(versions)
        .map(dir -> dir.resolve("bin"))
        .orElseThrow(
            () ->
                new StartupFailure("no PostgreSQL server in " + root + "/*/bin (initdb, pg_ctl)"));
  }

  /** The directory whose name is the highest version, comparing "9.6" < "15" < "16.2". */
  static Optional<Path> highest(List<Path> versionDirectories) {
    return versionDirectories.stream()
        .filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)*"))
        .max(
            Comparator.comparing(
                dir -> dir.getFileName().toString(), PostgresInstallation::compareVersions));
  }

  private static int compareVersions(String a, String b) {
    String[] x = a.split("\\.", -1);
    String[] y = b.split("\\.", -1);
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c =
          Integer.compare(
              i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
