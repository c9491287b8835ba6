package io.herald.dist.deploy;

import io.herald.dist.LauncherRoles;
import java.util.Map;

/**
 * Where each role answers health checks and serves {@code /metrics} (docs/operations.md, "Health
 * and metrics"): the config key of that port, the readiness path and the liveness path.
 *
 * @param portKey the config key of the port that serves them
 * @param ready the path that answers 200 while the role can take work
 * @param live the path that answers 200 while the process needs no restart
 */
record RoleHealth(String portKey, String ready, String live) {
  static final Map<String, RoleHealth> BY_ROLE =
      Map.of(
          "comet", new RoleHealth("listen.adminPort", "/ready", "/health"),
          "logic", new RoleHealth("server.httpPort", "/ready", "/live"),
          "job", new RoleHealth("server.port", "/health", "/live"),
          "balancer", new RoleHealth("server.port", "/health", "/health"),
          "idgen", new RoleHealth("server.port", "/health", "/health"));

  static RoleHealth of(String role) {
    RoleHealth health = BY_ROLE.get(role);
    if (health == null) {
      throw new IllegalArgumentException("no health endpoints known for role " + role);
    }
    return health;
  }

  /** The port of a loaded config that serves them; fails when it is off. */
  int port(LauncherRoles.Loaded loaded) {
    int port = loaded.port(portKey);
    if (port == 0) {
      throw new IllegalStateException(
          loaded.role() + ": " + portKey + " is off: no health endpoint");
    }
    return port;
  }
}
