package io.herald.dist;

import io.herald.config.ConfigLoader;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Herald role as the launcher runs it: its config (YAML file, then {@code <PREFIX>_*}
 * environment overrides, over its defaults), the servers it needs reachable, and how to start and
 * stop it.
 *
 * @param name the subcommand, e.g. {@code logic}
 * @param type the config record
 * @param defaults the config when neither a file nor the environment says otherwise
 * @param envPrefix environment overrides are {@code <envPrefix>_<KEY>...}
 * @param endpoints the servers a config needs reachable at start
 * @param starter starts the role
 */
record Role<C>(
    String name,
    Class<C> type,
    C defaults,
    String envPrefix,
    Function<C, List<Preflight.Endpoint>> endpoints,
    Starter<C> starter) {

  private static final Logger log = LoggerFactory.getLogger(Role.class);

  /** How long a backend may take to accept a connection at start. */
  static final Duration PREFLIGHT_TIMEOUT = Duration.ofSeconds(3);

  /** Starts a role from its config; the result stops it. */
  interface Starter<C> {
    Running start(C config, Clock clock, PrometheusMeterRegistry meters);
  }

  /** A started role. */
  interface Running {
    /** Stops it: what SIGTERM runs. */
    void stop();
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
   * Loads the config, checks its backends and starts the role; the launcher stops it on SIGTERM.
   *
   * @throws LaunchException if a backend is unreachable
   */
  Running run(Path file, Map<String, String> env) {
    C config = load(file, env);
    Preflight.check(name, endpoints.apply(config), PREFLIGHT_TIMEOUT);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    return starter.start(config, Clock.systemUTC(), meters);
  }
}
