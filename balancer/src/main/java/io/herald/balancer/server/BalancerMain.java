package io.herald.balancer.server;

import io.herald.config.ConfigLoader;
import io.herald.registry.Registries;
import io.herald.registry.Registry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Balancer alone: {@code BalancerMain [config.yaml]}, with {@code BALANCER_*} environment
 * overrides (e.g. {@code BALANCER_SERVER_PORT}, {@code BALANCER_REGISTRY_REDIS_URI}).
 */
public final class BalancerMain {
  private static final Logger log = LoggerFactory.getLogger(BalancerMain.class);

  private BalancerMain() {}

  public static void main(String[] args) {
    ConfigLoader.Loaded<BalancerConfig> loaded =
        new ConfigLoader<>(BalancerConfig.class, BalancerConfig.defaults(), "BALANCER")
            .load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
    loaded.ignoredVariables().forEach(name -> log.warn("{} matches no config key; ignored", name));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    Registry registry = Registries.create(loaded.config().registry(), Clock.systemUTC(), meters);
    BalancerServer server = new BalancerServer(loaded.config(), registry, meters);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "balancer-shutdown"));
    server.start();
  }
}
