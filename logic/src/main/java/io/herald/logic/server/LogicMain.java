package io.herald.logic.server;

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
 * Runs Logic alone: {@code LogicMain [config.yaml]}, with {@code LOGIC_*} environment overrides
 * (e.g. {@code LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS}, {@code LOGIC_STORE_REDIS_URI}).
 */
public final class LogicMain {
  private static final Logger log = LoggerFactory.getLogger(LogicMain.class);

  private LogicMain() {}

  public static void main(String[] args) {
    ConfigLoader.Loaded<LogicConfig> loaded =
        new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC")
            .load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
    loaded.ignoredVariables().forEach(name -> log.warn("{} matches no config key; ignored", name));
    loaded.config().push().api().checkTokens();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    LogicServer server = new LogicServer(loaded.config(), Clock.systemUTC(), meters);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "logic-shutdown"));
    server.start();
  }
}
