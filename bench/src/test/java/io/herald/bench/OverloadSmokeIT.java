package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.bench.scenario.OverloadCommand;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench/run overload}'s three steps, each for a few seconds, one after another on one small
 * cluster (redis-server, the test kit's Kafka broker, Logic, a Comet and Job as processes), with
 * bounds low enough that each step reaches them: the overdrive is refused with 429 past {@code
 * overload.pushesInFlight} and never errs or hangs, the storm past {@code limits.maxConnections} is
 * refused while the held connections still answer, and the backlog Job finds after a restart
 * drains. The figures need the full run (docs/benchmarks.md, "Overload").
 */
@RealRedis
@RealKafka
class OverloadSmokeIT {
  @Test
  void theOverdriveTheStormAndTheLagRunAndAreAnswered(KafkaBroker kafka) {
    OverloadCommand overload = new OverloadCommand();

    int exit =
        new CommandLine(overload)
            .execute(
                "--steps=push,storm,lag",
                "--one-cluster",
                "--probe-seconds=2",
                "--probe-outstanding=16",
                "--duration=3",
                "--sample-every=1",
                "--pushes-in-flight=20",
                "--held=20",
                "--storm-connections=300",
                "--storm-threads=16",
                "--max-handshakes=32",
                "--max-connections=200",
                "--lag-pushes=500",
                "--kafka=" + kafka.bootstrapServers());

    assertThat(exit).isZero();
    OverloadCommand.Outcome outcome = overload.outcome();
    assertThat(outcome.overdriveAccepted()).as("accepted in the overdrive").isPositive();
    assertThat(outcome.overdriveRefused()).as("refused 429 in the overdrive").isPositive();
    assertThat(outcome.overdriveOther()).as("errors and timeouts in the overdrive").isZero();
    assertThat(outcome.stormRefused()).as("refused in the storm").isPositive();
    assertThat(outcome.stormUnanswered()).as("unanswered in the storm").isZero();
    assertThat(outcome.held()).isEqualTo(20);
    assertThat(outcome.heldAnswering()).as("held connections answering").isEqualTo(20);
    assertThat(outcome.lagPushes()).isEqualTo(500);
    assertThat(outcome.lagDrained()).as("the backlog drained").isTrue();
  }
}
