package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.config.ConfigLoader;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Comet: {@code CometMain [comet.yaml]}, with {@code COMET_*} environment overrides (e.g.
 * {@code COMET_NODE_SERVERID}, {@code COMET_LOGIC_TARGET}, {@code COMET_REGISTRY_REDIS_URI}).
 *
 * <p>On SIGTERM the Comet drains — clients are told to reconnect elsewhere over {@code drain} (30 s
 * by default) — then stops; give the process that long plus a few seconds to exit (e.g. Kubernetes'
 * {@code terminationGracePeriodSeconds}). A Comet drained over gRPC stops at the end of its grace
 * period and the process exits.
 */
public final class CometMain {
  private static final Logger log = LoggerFactory.getLogger(CometMain.class);

  private CometMain() {}

  public static void main(String[] args) {
    ConfigLoader.Loaded<CometConfig> loaded =
        new ConfigLoader<>(CometConfig.class, CometConfig.serviceDefaults(), "COMET")
            .load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
    loaded.ignoredVariables().forEach(name -> log.warn("{} matches no config key; ignored", name));
    CometConfig config = loaded.config();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    CometServer server = new CometServer(config, Clock.systemUTC(), meters);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> drainThenStop(server, config.drain()), "herald-comet-shutdown"));
    server.start();
  }

  /**
   * Drains {@code server} over {@code grace} and waits for it to stop; stops it outright if that
   * takes much longer. What the shutdown hook runs: {@link CometServer#drainThenStop(Duration)}.
   */
  public static void drainThenStop(CometServer server, Duration grace) {
    server.drainThenStop(grace);
  }
}
