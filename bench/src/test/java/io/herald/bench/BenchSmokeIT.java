package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.bench.scenario.CometMemoryCommand;
import io.herald.bench.scenario.ConnectionStormCommand;
import io.herald.bench.scenario.RoomFanoutCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The benchmark scenarios in miniature — a few hundred connections, seconds each — so the tool
 * keeps working. Asserts that each ran and delivered, never a speed: speeds are measured by running
 * the scenarios in full (bench/README.md), not by tests.
 */
class BenchSmokeIT {
  @Test
  void cometMemoryRunsOverTwoComets() {
    CometMemoryCommand memory = new CometMemoryCommand();

    int exit =
        new CommandLine(memory)
            .execute(
                "--connections=200",
                "--comets=2",
                "--client-processes=2",
                "--warmup=50",
                "--settle=1",
                "--heap=256m");

    assertThat(exit).isZero();
    assertThat(memory.authenticated()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void roomFanoutRunsAndDeliversEverything(String transport) {
    RoomFanoutCommand fanout = new RoomFanoutCommand();

    int exit =
        new CommandLine(fanout)
            .execute(
                "--transport=" + transport,
                "--connections=200",
                "--rates=5",
                "--duration=2",
                "--max-p99-ms=100000",
                "--heap=256m",
                "--comet-cpus=",
                "--client-cpus=");

    assertThat(exit).isZero();
    assertThat(fanout.results()).hasSize(1);
    RoomFanoutCommand.Result step = fanout.results().get(0);
    assertThat(step.sent()).isPositive();
    assertThat(step.delivered()).isEqualTo(step.expected());
  }

  @Test
  void connectionStormRuns() {
    ConnectionStormCommand storm = new ConnectionStormCommand();

    int exit =
        new CommandLine(storm)
            .execute("--connections=300", "--warmup=50", "--store=memory", "--heap=256m");

    assertThat(exit).isZero();
    assertThat(storm.perSecond()).isPositive();
  }
}
