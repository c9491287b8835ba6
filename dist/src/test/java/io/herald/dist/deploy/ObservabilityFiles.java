package io.herald.dist.deploy;

import java.nio.file.Path;

/**
 * The observability files under {@code deploy/observability/} (the Grafana dashboard and the
 * Prometheus alert rules), which the compose deployment mounts; the {@code it} module's SystemIT
 * checks every metric they query is exported.
 */
final class ObservabilityFiles {
  static final Path DASHBOARD =
      DeployFiles.DEPLOY.resolve("observability/grafana/dashboards/herald.json");
  static final Path ALERTS = DeployFiles.DEPLOY.resolve("observability/prometheus/alerts.yml");

  private ObservabilityFiles() {}
}
