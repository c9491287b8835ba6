package io.herald.idgen.server;

import io.herald.config.ConfigLoader;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs IdGen alone: {@code IdGenMain [config.yaml]}, with {@code IDGEN_*} environment overrides
 * (e.g. {@code IDGEN_SERVER_PORT}, {@code IDGEN_DATABASE_URL}, {@code IDGEN_LEASES_STORE}). With no
 * file it serves the embedded defaults: an H2 file under {@code ./data/idgen}, port 3121.
 */
public final class IdGenMain {
  private static final Logger log = LoggerFactory.getLogger(IdGenMain.class);

  private IdGenMain() {}

  public static void main(String[] args) {
    ConfigLoader.Loaded<IdGenConfig> loaded =
        new ConfigLoader<>(IdGenConfig.class, IdGenConfig.defaults(), "IDGEN")
            .load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
    loaded.ignoredVariables().forEach(name -> log.warn("{} matches no config key; ignored", name));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    IdGenServer server = new IdGenServer(loaded.config(), Clock.systemUTC(), meters);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "idgen-shutdown"));
    server.start();
  }
}
