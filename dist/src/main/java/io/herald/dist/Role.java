package io.herald.dist;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import io.herald.ops.PrometheusMetrics;
import io.herald.ops.tracing.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Herald role as the launcher runs it: its config (YAML file, then {@code <PREFIX>_*}
 * environment overrides, over its defaults), what its config needs beyond what the config records
 * check, the ports it listens on, the servers it needs reachable, and how to start and stop it.
 *
 * @param name the subcommand, e.g. {@code logic}
 * @param type the config record
 * @param defaults the config when neither a file nor the environment says otherwise
 * @param envPrefix environment overrides are {@code <envPrefix>_<KEY>...}
 * @param check what the records cannot check themselves (key files, tokens); throws {@link
 *     io.herald.config.ConfigException} naming the key
 * @param listeners the ports a config listens on
 * @param endpoints the servers a config needs reachable at start
 * @param starter starts the role
 */
record Role<C>(
    String name,
    Class<C> type,
    C defaults,
    String envPrefix,
    Consumer<C> check,
    Function<C, List<Preflight.Listener>> listeners,
    Function<C, List<Preflight.Endpoint>> endpoints,
    Starter<C> starter) {

  private static final Logger log = LoggerFactory.getLogger(Role.class);

  /** How long a role waits for the servers it needs unless told otherwise. */
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  /** Starts a role from its config; the result stops it. */
  interface Starter<C> {
    Running start(C config, Clock clock, PrometheusMeterRegistry meters, Tracing tracing);
  }

  /** A started role. */
  interface Running {
    /** Stops it: what SIGTERM runs. */
    void stop();
  }

  /** This role with other defaults under its file and environment ({@code herald standalone}'s). */
  Role<C> withDefaults(C otherDefaults) {
    return new Role<>(name, type, otherDefaults, envPrefix, check, listeners, endpoints, starter);
  }

  /** The config from {@code file} (or none) and {@code env}; unknown variables are logged. */
  C load(Path file, Map<String, String> env) {
    ConfigLoader.Loaded<C> loaded = new ConfigLoader<>(type, defaults, envPrefix).load(file, env);
    loaded
        .ignoredVariables()
        .forEach(v -> log.warn("{} matches no {} config key; ignored", v, name));
    return loaded.config();
  }

  /**
   * Loads and checks the config, checks its ports, waits up to {@code wait} for its servers and
   * starts the role, traced as the {@code OTEL_*} variables of {@code env} say ({@link
   * RoleTracing}); the launcher stops it on SIGTERM.
   *
   * @param wait how long to wait for the servers the config names; {@code null}: do not check them
   *     ({@code --skip-server-check})
   * @throws io.herald.config.ConfigException if the config is invalid
   * @throws LaunchException if a port is taken or a server stays unreachable
   */
  Running run(Path file, Map<String, String> env, Duration wait) {
    C config = load(file, env);
    try {
      check.accept(config);
    } catch (ConfigException e) {
      // Named as the loader names an invalid value: the file, or "config" for the environment.
      throw new ConfigException((file == null ? "config" : file) + ": " + e.getMessage(), e);
    }
    Preflight.checkListeners(name, listeners.apply(config));
    if (wait != null) {
      Preflight.await(name, endpoints.apply(config), wait);
    }
    RoleTracing tracing = RoleTracing.open(name, env);
    Running running;
    try {
      running =
          starter.start(
              config, Clock.systemUTC(), PrometheusMetrics.newRegistry(), tracing.tracing());
    } catch (RuntimeException e) {
      tracing.close();
      throw e;
    }
    return () -> {
      running.stop();
      tracing.close(); // after the role: its last spans are exported
    };
  }
}
