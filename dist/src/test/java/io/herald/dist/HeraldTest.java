package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.FreePorts;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code herald} command line, run in-process over an environment the test gives it: the help a
 * user reads, and how a config that cannot work is reported (exit status 2, one clear line, no
 * stack trace) before anything starts.
 */
class HeraldTest {
  @TempDir Path dir;

  @Test
  void helpListsEveryRole() {
    CommandRun run = CommandRun.of(Map.of(), "--help");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).contains("Usage: herald", "standalone");
    for (Role<?> role : Roles.ALL) {
      assertThat(run.out()).as("herald --help").containsPattern("(?m)^\\s+" + role.name() + "\\s");
    }
  }

  @Test
  void noRoleIsAUsageErrorThatListsTheRoles() {
    CommandRun run = CommandRun.of(Map.of());

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.err()).contains("Missing required subcommand", "standalone", "logic");
    assertThat(run.started()).isEmpty();
  }

  static List<Role<?>> roles() {
    return Roles.ALL;
  }

  /**
   * Every backend the role's preflight can name — with each optional one switched on — appears in
   * its help by its config key, beside {@code --config} and the role's environment prefix.
   */
  @ParameterizedTest
  @MethodSource("roles")
  void eachRolesHelpNamesItsConfigAndEveryBackendItsPreflightChecks(Role<?> role) {
    CommandRun run = CommandRun.of(Map.of(), role.name(), "--help");

    assertThat(run.exitCode()).as("%s", run).isZero();
    String help = run.out();
    assertThat(help).contains("Usage: herald " + role.name(), "--config=FILE");
    assertThat(help).contains("Needs:", "Overrides: " + role.envPrefix() + "_*");
    List<Preflight.Endpoint> endpoints = RolePreflightTest.everyBackend(role);
    assertThat(endpoints).as("backends of %s with every option on", role.name()).isNotEmpty();
    for (Preflight.Endpoint endpoint : endpoints) {
      // On one line, as a user would copy it: a key wrapped at a dot does not count.
      String key = endpoint.setting().substring(0, endpoint.setting().indexOf(' '));
      assertThat(help).as("herald %s --help names %s", role.name(), endpoint.what()).contains(key);
    }
  }

  @Test
  void standaloneHelpNamesTheDemoPageAndItsDefaults() {
    CommandRun run = CommandRun.of(Map.of(), "standalone", "--help");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out().replaceAll("\\s+", " "))
        .contains("127.0.0.1 only", "trust authentication", "demo page /demo/", "HTTP 3111");
  }

  @Test
  void aMissingConfigFileIsNamedAndExitsWith2() {
    Path missing = dir.resolve("nowhere.yaml");

    CommandRun run = CommandRun.of(Map.of(), "logic", "--config", missing.toString());

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo("herald logic cannot start: --config " + missing + ": no such file");
    assertThat(run.started()).isEmpty();
  }

  @Test
  void anInvalidValueInTheConfigFileNamesTheKeyAndWhatIsExpected() throws Exception {
    Path file = Files.writeString(dir.resolve("job.yaml"), "server:\n  port: 0\n");

    CommandRun run = CommandRun.of(Map.of(), "job", "--config", file.toString());

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.err()).contains(file + ": server.port: 0 (expected: 1-65535)");
    assertThat(run.err()).doesNotContain("Exception", "\tat ");
    assertThat(run.started()).isEmpty();
  }

  @Test
  void anUnknownKeyOrBrokenYamlIsNamed() throws Exception {
    Path unknown = Files.writeString(dir.resolve("unknown.yaml"), "server:\n  prot: 3129\n");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "server: [port: 1\n");

    CommandRun typo = CommandRun.of(Map.of(), "job", "--config", unknown.toString());
    CommandRun notYaml = CommandRun.of(Map.of(), "job", "--config", broken.toString());

    assertThat(typo.exitCode()).as("%s", typo).isEqualTo(2);
    assertThat(typo.err()).contains("unknown key 'server.prot'", "port");
    assertThat(notYaml.exitCode()).as("%s", notYaml).isEqualTo(2);
    assertThat(notYaml.err()).contains(broken + ": not valid YAML");
  }

  @Test
  void anInvalidEnvironmentOverrideNamesTheKey() {
    CommandRun run = CommandRun.of(Map.of("JOB_SERVER_PORT", "70000"), "job");

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.err()).contains("server.port: 70000 (expected: 1-65535)");
    assertThat(run.started()).isEmpty();
  }

  /** The file says one Kafka, the environment another: the preflight checks the environment's. */
  @Test
  void theEnvironmentOverridesTheConfigFile() throws Exception {
    int fromFile = closedPort();
    int fromEnv = closedPort();
    Path file =
        Files.writeString(
            dir.resolve("job.yaml"),
            "registry:\n  backend: memory\nkafka:\n  bootstrapServers: 127.0.0.1:"
                + fromFile
                + "\n");

    CommandRun run =
        CommandRun.of(
            Map.of(
                "JOB_KAFKA_BOOTSTRAPSERVERS",
                "127.0.0.1:" + fromEnv,
                "JOB_SERVER_PORT",
                Integer.toString(FreePorts.next()),
                "HERALD_WAIT",
                "0s"),
            "job",
            "--config",
            file.toString());

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.err())
        .contains("Kafka at 127.0.0.1:" + fromEnv + " is unreachable")
        .doesNotContain("127.0.0.1:" + fromFile)
        .doesNotContain("Redis");
  }

  /** A port nothing listens on (just released). */
  static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
