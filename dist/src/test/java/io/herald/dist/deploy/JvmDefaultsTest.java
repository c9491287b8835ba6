package io.herald.dist.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM defaults of every role (bin/jvm.options: the collector and its flags): what {@code
 * bin/herald} passes to {@code java} (run with bash, a stand-in {@code java} on the PATH that
 * prints its arguments), and the same flags in the image's {@code JDK_JAVA_OPTIONS}.
 */
class JvmDefaultsTest {
  private static final Path OPTIONS = DeployFiles.REPO.resolve("bin/jvm.options");

  @TempDir Path tree;

  /** The flags of bin/jvm.options, comments and blank lines dropped. */
  static List<String> defaults() throws IOException {
    return Files.readAllLines(OPTIONS).stream()
        .map(line -> line.replaceAll("#.*", "").strip())
        .filter(line -> !line.isEmpty())
        .flatMap(line -> Arrays.stream(line.split("\\s+")))
        .toList();
  }

  @Test
  void theDefaultsNameOneCollector() throws IOException {
    assertThat(defaults()).filteredOn(f -> f.matches("-XX:\\+Use\\w*GC")).hasSize(1);
  }

  @Test
  void theLauncherPutsTheDefaultsBeforeTheOperatorsOptions() throws Exception {
    List<String> defaults = defaults();
    List<String> args = launch(Map.of("HERALD_JAVA_OPTS", "-Xmx2g"), "comet", "--config", "c.yaml");
    assertThat(args.subList(0, defaults.size())).isEqualTo(defaults);
    assertThat(args.subList(defaults.size(), args.size()))
        .containsExactly(
            "-Xmx2g",
            "-jar",
            tree.resolve("dist/target/herald.jar").toString(),
            "comet",
            "--config",
            "c.yaml");
    assertThat(launch(Map.of(), "idgen")).startsWith(defaults.toArray(String[]::new));
  }

  @Test
  void aCollectorNamedByTheOperatorReplacesTheDefaults() throws Exception {
    Path jar = tree.resolve("dist/target/herald.jar");
    assertThat(launch(Map.of("HERALD_JAVA_OPTS", "-XX:+UseG1GC -Xmx1g"), "logic"))
        .containsExactly("-XX:+UseG1GC", "-Xmx1g", "-jar", jar.toString(), "logic");
    assertThat(launch(Map.of("JDK_JAVA_OPTIONS", "-XX:+UseSerialGC"), "job"))
        .containsExactly("-jar", jar.toString(), "job");
  }

  @Test
  void aJvmThatRefusesTheDefaultsStartsWithoutThem() throws Exception {
    Path jar = tree.resolve("dist/target/herald.jar");
    assertThat(launch(Map.of("FAKE_JAVA_REFUSES", "1", "HERALD_JAVA_OPTS", "-Xmx1g"), "comet"))
        .containsExactly("-Xmx1g", "-jar", jar.toString(), "comet");
  }

  @Test
  void theImageCarriesTheSameDefaults() throws IOException {
    String options =
        Dockerfile.read(DeployFiles.DOCKERFILE).last().pairs("ENV").get("JDK_JAVA_OPTIONS");
    assertThat(Arrays.asList(options.split("\\s+")))
        .as("ENV JDK_JAVA_OPTIONS holds bin/jvm.options")
        .containsAll(defaults())
        .filteredOn(f -> f.matches("-XX:\\+Use\\w*GC"))
        .hasSize(1);
  }

  /** A copy of the launcher's tree: bin/herald, its defaults, a built jar, a stand-in java. */
  @BeforeEach
  void copyTheLauncher() throws IOException {
    Path bin = Files.createDirectories(tree.resolve("bin"));
    Files.copy(DeployFiles.REPO.resolve("bin/herald"), bin.resolve("herald"));
    Files.copy(OPTIONS, bin.resolve("jvm.options"));
    Files.createDirectories(tree.resolve("dist/target"));
    Files.writeString(tree.resolve("dist/target/herald.jar"), "");
    Path fake = Files.createDirectories(tree.resolve("fake"));
    Path java = fake.resolve("java");
    // Prints its arguments; with FAKE_JAVA_REFUSES=1 it refuses every probe (-version), as a JDK
    // without the default collector does.
    Files.writeString(
        java,
        "#!/usr/bin/env bash\n"
            + "if [[ \"${FAKE_JAVA_REFUSES:-}\" == 1 && \" $* \" == *\" -version \"* ]]; then exit 1; fi\n"
            + "printf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The arguments bin/herald gives {@code java} with {@code env} set. */
  private List<String> launch(Map<String, String> env, String... args) throws Exception {
    Path out = tree.resolve("args.txt");

    String[] command = new String[args.length + 2];
    command[0] = "bash";
    command[1] = tree.resolve("bin/herald").toString();
    System.arraycopy(args, 0, command, 2, args.length);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove("HERALD_JAVA_OPTS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("HERALD_BUILD");
    builder.environment().putAll(env);
    builder.environment().put("PATH", tree.resolve("fake") + ":" + System.getenv("PATH"));
    Process process = builder.start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    return Files.readAllLines(out, StandardCharsets.UTF_8);
  }
}
