package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.bench.scenario.SoakCommand;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The soak for a few seconds on the test kit's Redis and Kafka, every role with paranoid leak
 * detection: connections churn (closed, reset, abandoned) and reconnect, every kind of push flows,
 * slow consumers pause, and the run samples, plots and judges. Asserts that it ran: samples taken,
 * messages delivered, reconnects made, no stored message missing, no {@code LEAK:} in any log, the
 * Redis key bound kept, every session key gone once the clients left, the CSV and plots written.
 * Flatness needs the long run (docs/benchmarks.md, "Soak").
 */
@RealRedis
@RealKafka
class SoakSmokeIT {
  @Test
  void churnsPushesSamplesAndPlots(RedisServer redis, KafkaBroker kafka) throws Exception {
    SoakCommand soak = new SoakCommand();
    Path out = Path.of("target", "soak-smoke");

    int exit =
        new CommandLine(soak)
            .execute(
                "--duration=4s",
                "--sample=2s",
                "--connections=60",
                "--comets=1",
                "--churn=0.05",
                "--slow-read=1",
                "--slow-pause=2",
                "--heartbeat-timeout=2s",
                "--heartbeat=1",
                "--push-rate=50",
                "--leak-detection=paranoid",
                "--heap=256m",
                "--kafka=" + kafka.bootstrapServers(),
                "--redis=" + redis.uri(),
                "--out=" + out);

    assertThat(exit).isZero();
    SoakCommand.Outcome outcome = soak.outcome();
    assertThat(outcome.samples()).isGreaterThanOrEqualTo(2);
    assertThat(outcome.pushesAccepted()).isPositive();
    assertThat(outcome.delivered()).isPositive();
    assertThat(outcome.reconnects()).isPositive();
    assertThat(outcome.storedMissing()).isZero();
    assertThat(outcome.leaks()).isZero();
    assertThat(outcome.boundViolations()).isZero();
    assertThat(outcome.sessionKeysAfterDisconnect()).isZero();
    assertThat(Files.readAllLines(outcome.csv())).hasSizeGreaterThanOrEqualTo(3);
    assertThat(outcome.plots()).hasSize(5).allSatisfy(png -> assertThat(png).isNotEmptyFile());
    assertThat(outcome.trends()).containsKeys("comet_heap_mb", "logic_rss_mb", "job_fds");
  }
}
