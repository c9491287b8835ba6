package io.herald.dist.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The observability files other work provides under {@code deploy/observability/} (the Grafana
 * dashboard and the Prometheus alert rules), which the compose deployment mounts.
 */
final class ObservabilityFiles {
  static final Path DASHBOARD =
      DeployFiles.DEPLOY.resolve("observability/grafana/dashboards/herald.json");
  static final Path ALERTS = DeployFiles.DEPLOY.resolve("observability/prometheus/alerts.yml");

  /**
   * Files written on another branch of issue 17 and not yet merged with this one: a mount of one of
   * them is allowed to be missing until it lands. Once one exists, {@link #awaitedFilesHaveLanded}
   * fails until it is removed from here, so the allowance cannot outlive its reason.
   */
  static final Set<Path> AWAITED = Set.of(DASHBOARD, ALERTS);

  private ObservabilityFiles() {}

  /** Whether {@code file} may be missing for now. */
  static boolean awaited(Path file) {
    return AWAITED.contains(file.toAbsolutePath().normalize()) && !Files.exists(file);
  }
}
