package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.comet.grpc.CometStoppingException;
import io.herald.config.ConfigLoader;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

  /** Time allowed past the drain grace for the stop itself. */
  private static final Duration STOP_MARGIN = Duration.ofSeconds(10);

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
   * takes much longer. What the shutdown hook runs.
   */
  public static void drainThenStop(CometServer server, Duration grace) {
    try {
      server.drain(List.of(), grace);
    } catch (CometStoppingException | IllegalStateException e) {
      log.debug("Not draining: {}", e.getMessage());
    }
    try {
      server.terminated().get(grace.plus(STOP_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("Comet drain did not finish within {}; stopping now", grace.plus(STOP_MARGIN));
      server.stop(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.stop(Duration.ofSeconds(2));
    }
  }
}
