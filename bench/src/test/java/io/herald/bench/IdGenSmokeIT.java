package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.herald.bench.idgen.IdGenLoad;
import io.herald.idgen.db.DatabaseConfig;
import io.herald.idgen.server.IdGenConfig;
import io.herald.idgen.server.IdGenServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/idgen.sh}'s gRPC load ({@link IdGenLoad}) for a second each against an IdGen on its
 * default embedded config (an H2 file): NextId as fast as it goes and paced, NextIds of segment
 * ids. Asserts that each ran, answered every call and counted what it asked for; the figures need
 * the full run (docs/benchmarks.md, "IdGen").
 */
class IdGenSmokeIT {
  @TempDir Path directory;
  private IdGenServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void nextIdClosedLoopAndPacedAndNextIdsRun() throws Exception {
    IdGenConfig defaults = IdGenConfig.defaults();
    server =
        new IdGenServer(
            new IdGenConfig(
                new IdGenConfig.Server("127.0.0.1", 0),
                new DatabaseConfig(
                    "jdbc:h2:file:" + directory.resolve("idgen") + ";MODE=PostgreSQL",
                    "",
                    "",
                    2,
                    Duration.ofSeconds(5)),
                defaults.leases(),
                defaults.snowflake(),
                defaults.sonyflake(),
                defaults.segments(),
                defaults.tags()),
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server.start();
    String target = "127.0.0.1:" + server.port();

    IdGenLoad.Result closed = IdGenLoad.run(target, "message", 1, 16, 1, 0);
    IdGenLoad.Result paced = IdGenLoad.run(target, "message", 1, 64, 1, 2_000);
    IdGenLoad.Result ranges = IdGenLoad.run(target, "order", 1_000, 4, 1, 0);

    // Calls in flight when the warm-up ends may be counted on one side of it and answered on the
    // other: counts agree within the calls in flight.
    assertThat(closed.requests()).isPositive();
    assertThat(closed.errors()).isZero();
    assertThat(closed.ids()).isCloseTo(closed.requests(), within(16L));
    assertThat(closed.latency().getTotalCount()).isCloseTo(closed.requests(), within(16L));
    assertThat(paced.requests()).isPositive();
    assertThat(paced.errors()).isZero();
    assertThat(paced.requestsPerSecond()).as("paced at 2,000/s").isLessThan(3_000);
    assertThat(ranges.requests()).isPositive();
    assertThat(ranges.errors()).isZero();
    assertThat(ranges.ids() / 1_000).isCloseTo(ranges.requests(), within(4L));
  }
}
