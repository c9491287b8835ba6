package io.herald.dist.deploy;

import io.herald.balancer.SelectionConfig;
import io.herald.balancer.server.BalancerConfig;
import io.herald.dist.LauncherRoles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Paths of the repository's deployment files, and what the shipped role configs say. */
final class DeployFiles {
  /** The repository's top directory (tests run in dist/). */
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  static final Path DEPLOY = REPO.resolve("deploy");
  static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
  static final Path COMPOSE = DEPLOY.resolve("compose");
  static final Path DOCKERFILE = REPO.resolve("Dockerfile");

  private DeployFiles() {}

  /** {@code deploy/<role>.yaml}. */
  static Path roleConfig(String role) {
    return DEPLOY.resolve(role + ".yaml");
  }

  /** {@code deploy/<role>.yaml} loaded as {@code herald <role> --config} loads it, no overrides. */
  static LauncherRoles.Loaded shipped(String role) {
    return LauncherRoles.load(role, roleConfig(role), Map.of());
  }

  /** The regions the Balancer of deploy/balancer.yaml knows. */
  static List<SelectionConfig.RegionEntry> balancerRegions() {
    return ((BalancerConfig) shipped("balancer").config()).selection().regions();
  }
}
