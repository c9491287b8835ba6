package io.herald.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL server this test JVM started with {@code initdb} and {@code pg_ctl}, its data,
 * socket and log in a scratch directory. As root, it runs as the {@code postgres} OS user.
 */
final class PostgresCluster {

  private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);
  private static final int PG_CTL_WAIT_SECONDS = 60;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final List<String> asPostgres;
  private final Path pgCtl;
  private final Path data;
  private final int port;
  private final Optional<Long> pid;

  private PostgresCluster(
      List<String> asPostgres, Path pgCtl, Path data, int port, Optional<Long> pid) {
    this.asPostgres = asPostgres;
    this.pgCtl = pgCtl;
    this.data = data;
    this.port = port;
    this.pid = pid;
  }

  /** Initialises a cluster in {@code directory} and starts it; pg_ctl waits until it is ready. */
  static PostgresCluster start(TestEnvironment env, ScratchDirectory directory)
      throws StartupFailure {
    Path bin = PostgresInstallation.binDirectory(PostgresInstallation.DEBIAN_ROOT);
    List<String> asPostgres = List.of();
    if (env.runsAsRoot()) {
      giveToPostgres(directory.path());
      asPostgres = List.of("runuser", "-u", "postgres", "--");
    }
    Path data = directory.resolve("data");
    Command.run(
        command(
            asPostgres,
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync"),
        directory.resolve("initdb.log"),
        INITDB_TIMEOUT);

    int port = PortPicker.system().pick();
    String options =
        "-p "
            + port
            + " -k '"
            + directory.path()
            + "' -c listen_addresses=127.0.0.1"
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    Path serverLog = directory.resolve("postgres.log");
    Path pgCtl = bin.resolve("pg_ctl");
    try {
      Command.run(
          command(
              asPostgres,
              pgCtl.toString(),
              "-D",
              data.toString(),
              "-l",
              serverLog.toString(),
              "-o",
              options,
              "-w",
              "-t",
              Integer.toString(PG_CTL_WAIT_SECONDS),
              "start"),
          directory.resolve("pg_ctl.log"),
          Duration.ofSeconds(PG_CTL_WAIT_SECONDS + 10));
    } catch (StartupFailure e) {
      String tail = LogTail.of(serverLog).replace("\n", "\n    ");
      throw new StartupFailure(
          e.getMessage() + "\n  server log " + serverLog + ":\n    " + tail, e);
    }
    Optional<Long> pid = postmasterPid(data);
    if (pid.isPresent()) {
      directory.recordServer(pid.get());
    }
    return new PostgresCluster(asPostgres, pgCtl, data, port, pid);
  }

  int port() {
    return port;
  }

  Optional<Long> pid() {
    return pid;
  }

  /** {@code pg_ctl stop -m immediate}; kills the postmaster by pid if that fails. */
  void stop(ScratchDirectory directory) {
    try {
      Command.run(
          command(
              asPostgres, pgCtl.toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"),
          directory.resolve("pg_ctl.log"),
          STOP_TIMEOUT);
    } catch (StartupFailure e) {
      pid.flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static List<String> command(List<String> prefix, String... command) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(command));
    return all;
  }

  private static void giveToPostgres(Path directory) throws StartupFailure {
    try {
      UserPrincipal postgres =
          directory
              .getFileSystem()
              .getUserPrincipalLookupService()
              .lookupPrincipalByName("postgres");
      Files.setOwner(directory, postgres);
    } catch (IOException e) {
      throw new StartupFailure(
          "running as root, PostgreSQL must run as the postgres OS user, but "
              + directory
              + " cannot be given to it: "
              + e,
          e);
    }
  }

  /** The first line of {@code postmaster.pid}. */
  private static Optional<Long> postmasterPid(Path data) {
    try {
      return Files.readAllLines(data.resolve("postmaster.pid")).stream()
          .findFirst()
          .map(String::strip)
          .map(Long::valueOf);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
