package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresInstallationTest {

  @Test
  void comparesVersionsAsNumbers() {
    List<Path> dirs = List.of(Path.of("9.6"), Path.of("16.2"), Path.of("15"), Path.of("common"));

    assertThat(PostgresInstallation.highest(dirs)).contains(Path.of("16.2"));
    assertThat(PostgresInstallation.highest(List.of())).isEmpty();
  }

  @Test
  void picksTheHighestVersionThatHasTheServerTools(@TempDir Path root) throws Exception {
    install(root.resolve("15"));
    install(root.resolve("9.6"));
    Files.createDirectories(root.resolve("16/bin")); // client tools only

    assertThat(PostgresInstallation.binDirectory(root)).isEqualTo(root.resolve("15/bin"));
  }

  @Test
  void saysWhereItLooked(@TempDir Path root) {
    assertThatThrownBy(() -> PostgresInstallation.binDirectory(root.resolve("absent")))
        .isInstanceOf(StartupFailure.class)
        .hasMessageContaining("no PostgreSQL server in " + root.resolve("absent"));
  }

  private static void install(Path version) throws Exception {
    Path bin = Files.createDirectories(version.resolve("bin"));
    for (String tool : List.of("initdb", "pg_ctl")) {
      Files.createFile(
          bin.resolve(tool),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
  }
}
