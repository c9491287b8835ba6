package io.herald.job.server;

import io.herald.config.ConfigLoader;
import io.herald.job.config.JobConfig;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Job alone: {@code JobMain [config.yaml]}, with {@code JOB_*} environment overrides (e.g.
 * {@code JOB_KAFKA_BOOTSTRAPSERVERS}, {@code JOB_REGISTRY_REDIS_URI}). On SIGTERM it stops
 * consuming, waits for the deliveries under way and commits.
 */
public final class JobMain {
  private static final Logger log = LoggerFactory.getLogger(JobMain.class);

  private JobMain() {}

  public static void main(String[] args) {
    ConfigLoader.Loaded<JobConfig> loaded =
        new ConfigLoader<>(JobConfig.class, JobConfig.defaults(), "JOB")
            .load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
    loaded.ignoredVariables().forEach(name -> log.warn("{} matches no config key; ignored", name));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    JobServer server = new JobServer(loaded.config(), Clock.systemUTC(), meters);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "job-shutdown"));
    server.start();
  }
}
