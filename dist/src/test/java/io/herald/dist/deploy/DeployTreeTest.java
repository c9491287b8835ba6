package io.herald.dist.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.dist.LauncherRoles;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file under {@code deploy/} is loaded or parsed by a test: this walks the tree and fails on
 * a file that no row of {@link #CHECKS} covers, and parses each file with its row's check (the
 * named tests check more). A new kind of file under deploy/ needs a row here and a test that reads
 * it.
 */
class DeployTreeTest {
  /** A path pattern under deploy/ (glob), the test that covers such files, and a parse of one. */
  private record Check(String glob, String coveredBy, Consumer<Path> parse) {
    boolean covers(Path relative) {
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      return matcher.matches(relative);
    }
  }

  /** The first row that matches a file covers it; order from specific to general. */
  private static final List<Check> CHECKS =
      List.of(
          new Check(
              "*.yaml",
              "ShippedConfigsIT (starts it), ImageDefinitionTest, KubernetesManifestsTest",
              file -> LauncherRoles.load(role(file), file, Map.of())),
          new Check(
              "kubernetes/**/kustomization.yaml",
              "KubernetesManifestsTest",
              file -> Kustomization.read(file.getParent())),
          new Check(
              "kubernetes/**.yaml",
              "KubernetesManifestsTest (strict fabric8 parse, invariants per overlay)",
              file -> KustomizeBundle.parseFile(file.getParent(), file.getFileName().toString())),
          new Check(
              "compose/compose.yaml",
              "ComposeFileTest",
              file -> assertThat(Yaml.document(file).has("services")).isTrue()),
          new Check(
              "compose/prometheus/prometheus.yaml",
              "ComposeFileTest (scrape targets, rule files)",
              file -> assertThat(Yaml.document(file).has("scrape_configs")).isTrue()),
          new Check(
              "compose/grafana/provisioning/**.yaml",
              "ComposeFileTest (data source, dashboard provider)",
              file -> assertThat(Yaml.document(file).path("apiVersion").asInt()).isEqualTo(1)),
          new Check(
              "observability/grafana/dashboards/*.json",
              "the observability tests (every queried metric is exported); parsed here",
              file -> assertThat(Yaml.json(file).has("panels")).isTrue()),
          new Check(
              "observability/prometheus/*.yml",
              "the observability tests (every queried metric is exported); parsed here",
              file -> assertThat(Yaml.document(file).has("groups")).isTrue()));

  @Test
  void everyFileUnderDeployIsCoveredAndParses() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(DeployFiles.DEPLOY)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    List<String> uncovered = new ArrayList<>();
    for (Path file : files) {
      Path relative = DeployFiles.DEPLOY.relativize(file);
      Check check = CHECKS.stream().filter(c -> c.covers(relative)).findFirst().orElse(null);
      if (check == null) {
        uncovered.add(relative.toString());
      } else {
        try {
          check.parse().accept(file);
        } catch (RuntimeException | AssertionError e) {
          throw new AssertionError(
              "deploy/" + relative + " (" + check.coveredBy() + "): " + e.getMessage(), e);
        }
      }
    }
    assertThat(uncovered)
        .as("files under deploy/ that no test loads or parses (add a row to DeployTreeTest.CHECKS)")
        .isEmpty();
    assertThat(files.size()).isGreaterThan(LauncherRoles.names().size());
  }

  @Test
  void theTableTellsAFileNoCheckCoversFromOneItDoes() {
    assertThat(CHECKS.stream().anyMatch(c -> c.covers(Path.of("kubernetes/base/comet.yaml"))))
        .isTrue();
    assertThat(CHECKS.stream().anyMatch(c -> c.covers(Path.of("kubernetes/base/README.md"))))
        .isFalse();
    assertThat(CHECKS.stream().anyMatch(c -> c.covers(Path.of("compose/other.yaml")))).isFalse();
  }

  private static String role(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.length() - ".yaml".length());
  }
}
