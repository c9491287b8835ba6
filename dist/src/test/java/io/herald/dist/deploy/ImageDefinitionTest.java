package io.herald.dist.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.dist.Herald;
import io.herald.dist.LauncherRoles;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import picocli.CommandLine.Command;

/**
 * The container image's definition (the Dockerfile at the top of the repository), checked
 * statically: no container engine runs on the build machines, so nothing here builds or runs it.
 * What it checks is what would go wrong quietly: a floating base, root, a launcher path that the
 * build does not produce, ports and health endpoints that differ from the roles' configs.
 */
class ImageDefinitionTest {
  /** {@code name:tag} with an exact version in the tag, optionally {@code @sha256:} a digest. */
  private static final Pattern PINNED =
      Pattern.compile("[a-z0-9./_-]+:(\\d+)\\.\\d+\\.\\d+[A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?");

  private final Dockerfile dockerfile = Dockerfile.read(DeployFiles.DOCKERFILE);

  @Test
  void everyBaseIsPinnedToAnExactRelease() {
    assertThat(dockerfile.stages).isNotEmpty();
    for (Dockerfile.Stage stage : dockerfile.stages) {
      assertThat(stage.base())
          .as("FROM %s: a base pinned to an exact release (no latest, no bare major)", stage.base())
          .matches(PINNED)
          .doesNotContain("latest");
    }
  }

  @Test
  void runsOnAJre17OrNewer() {
    String base = dockerfile.last().base();
    Matcher matcher = PINNED.matcher(base);
    assertThat(matcher.matches()).isTrue();
    assertThat(Integer.parseInt(matcher.group(1)))
        .as("Java major of %s", base)
        .isGreaterThanOrEqualTo(17);
    assertThat(base).as("the run stage carries a JRE, not a JDK").contains("-jre");
  }

  @Test
  void runsAsANonRootUserItCreates() {
    int uid = dockerfile.uid();
    assertThat(uid).as("USER of the run stage").isPositive();
    assertThat(String.join("\n", dockerfile.last().all("RUN")))
        .as("the run stage creates the user it runs as")
        .contains("--uid " + uid);
    List<String> instructions =
        dockerfile.last().instructions().stream().map(Dockerfile.Instruction::keyword).toList();
    assertThat(instructions.lastIndexOf("USER"))
        .as("nothing runs as root after USER")
        .isGreaterThan(instructions.lastIndexOf("RUN"));
  }

  @Test
  void entrypointRunsTheLauncherThatDistBuilds() throws Exception {
    List<String> entrypoint = Dockerfile.execForm(dockerfile.last().last("ENTRYPOINT"));
    assertThat(entrypoint).hasSize(3).startsWith("java", "-jar");
    Path jar = Path.of(entrypoint.get(2));

    // dist builds target/<finalName>.jar, whose manifest runs Herald with lib/*.jar beside it.
    Document pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(DeployFiles.REPO.resolve("dist/pom.xml").toFile());
    String finalName = pom.getElementsByTagName("finalName").item(0).getTextContent().strip();
    assertThat(pom.getElementsByTagName("mainClass").item(0).getTextContent().strip())
        .isEqualTo(Herald.class.getName());
    String classpathPrefix =
        pom.getElementsByTagName("classpathPrefix").item(0).getTextContent().strip();
    List<String> copies = dockerfile.last().all("COPY");
    assertThat(copies)
        .as("the launcher jar and its lib/ come from the build stage to where ENTRYPOINT runs it")
        .contains(
            "--from=build /src/dist/target/" + finalName + ".jar " + jar,
            "--from=build /src/dist/target/lib/ " + jar.resolveSibling(classpathPrefix) + "/");
    assertThat(dockerfile.stages.get(0).name()).isEqualTo("build");

    // Arguments are the launcher's: `docker run IMAGE <role> ...`; without any, its help.
    assertThat(Dockerfile.execForm(dockerfile.last().last("CMD"))).containsExactly("--help");
    Set<String> subcommands =
        Arrays.stream(Herald.class.getAnnotation(Command.class).subcommands())
            .map(c -> c.getAnnotation(Command.class).name())
            .collect(Collectors.toSet());
    assertThat(subcommands).containsAll(LauncherRoles.names()).contains("standalone");
  }

  @Test
  void buildsWithTheProjectsWrapperFromTheRepository() {
    Dockerfile.Stage build = dockerfile.stages.get(0);
    assertThat(build.all("COPY")).containsExactly(". .");
    assertThat(build.all("RUN"))
        .singleElement()
        .asString()
        .contains("./mvnw -B", "-pl dist -am package", "-DskipTests");
  }

  @Test
  void exposesExactlyThePortsTheShippedConfigsListenOn() {
    Set<Integer> exposed = new TreeSet<>();
    for (String expose : dockerfile.last().all("EXPOSE")) {
      for (String port : expose.split("\\s+")) {
        exposed.add(Integer.parseInt(port.replace("/tcp", "")));
      }
    }
    Set<Integer> listened = new TreeSet<>();
    for (String role : LauncherRoles.names()) {
      DeployFiles.shipped(role).ports().forEach(p -> listened.add(p.port()));
    }
    assertThat(exposed).as("EXPOSE vs the ports of deploy/*.yaml").isEqualTo(listened);
  }

  @Test
  void declaresEveryRolesHealthEndpoints() {
    var labels = dockerfile.last().pairs("LABEL");
    for (String role : LauncherRoles.names()) {
      RoleHealth health = RoleHealth.of(role);
      int port = health.port(DeployFiles.shipped(role));
      assertThat(labels.get("io.herald.health." + role))
          .as("LABEL io.herald.health.%s (port readiness liveness)", role)
          .isEqualTo(port + " " + health.ready() + " " + health.live());
    }
  }

  @Test
  void sizesTheHeapFromTheContainersMemory() {
    String options = dockerfile.last().pairs("ENV").get("JDK_JAVA_OPTIONS");
    assertThat(options)
        .as("ENV JDK_JAVA_OPTIONS")
        .contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError")
        .doesNotContain("-Xmx", "-XX:-UseContainerSupport");
  }

  @Test
  void carriesTheShippedConfigs() {
    String copy =
        dockerfile.last().all("COPY").stream()
            .filter(c -> c.endsWith(" /etc/herald/"))
            .findFirst()
            .orElseThrow();
    Set<String> expected = new TreeSet<>();
    LauncherRoles.names().forEach(role -> expected.add("deploy/" + role + ".yaml"));
    Set<String> copied = new TreeSet<>(Arrays.asList(copy.split("\\s+")));
    copied.remove("/etc/herald/");
    assertThat(copied).isEqualTo(expected);
  }

  @Test
  void dockerignoreLeavesOutBuildOutputButNotWhatTheBuildReads() throws IOException {
    List<String> patterns =
        Files.readAllLines(DeployFiles.REPO.resolve(".dockerignore")).stream()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
    assertThat(patterns).contains(".git", "**/target/");
    List<String> read =
        List.of(
            "mvnw",
            ".mvn/wrapper/maven-wrapper.properties",
            "pom.xml",
            "dist/pom.xml",
            "dist/src/main/java/io/herald/dist/Herald.java",
            "clients/js/herald-client.js",
            "deploy/comet.yaml",
            "bin/herald-health");
    for (String file : read) {
      assertThat(Files.exists(DeployFiles.REPO.resolve(file))).as(file).isTrue();
      for (String pattern : patterns) {
        assertThat(ignores(pattern, file))
            .as(".dockerignore %s leaves out %s", pattern, file)
            .isFalse();
      }
    }
    assertThat(ignores("**/target/", "dist/target/herald.jar")).isTrue();
  }

  /** Docker's rule, near enough: the pattern matches the path or one of its parent directories. */
  private static boolean ignores(String pattern, String file) {
    String glob = pattern.startsWith("/") ? pattern.substring(1) : pattern;
    glob = glob.endsWith("/") ? glob.substring(0, glob.length() - 1) : glob;
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    for (Path path = Path.of(file); path != null; path = path.getParent()) {
      if (matcher.matches(path)) {
        return true;
      }
    }
    return false;
  }
}
