package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.bench.scenario.CompareCommand;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench/run compare} in miniature: Herald over TCP and WebSocket, nginx+nchan and
 * nats-server, 200 subscribers each, one short step. Asserts only that every server ran and
 * delivered every message; figures come from full runs. Without the peers installed the test fails
 * on CI ({@code CI=true}) naming the install line, and is skipped elsewhere.
 */
class CompareSmokeIT {
  @BeforeAll
  static void peersAreInstalled() {
    if (CompareCommand.peersInstalled()) {
      return;
    }
    String message = "nginx with nchan or nats-server is missing: " + CompareCommand.PEERS_INSTALL;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(message);
    }
    Assumptions.abort(message);
  }

  @Test
  void everyServerRunsAndDeliversEverything() {
    CompareCommand compare = new CompareCommand();

    int exit =
        new CommandLine(compare)
            .execute(
                "--servers=herald,nchan,nats",
                "--transport=tcp,ws",
                "--connections=200",
                "--client-processes=1",
                "--rates=4000",
                "--duration=1",
                "--warmup=0",
                "--publish-warmup=0",
                "--settle=0",
                "--no-memory",
                "--one-herald",
                "--store=memory",
                "--heap=256m",
                "--server-cpus=",
                "--client-cpus=");

    assertThat(exit).isZero();
    assertThat(compare.connects())
        .extracting(CompareCommand.Connect::server)
        .containsExactly("herald-tcp", "herald-ws", "nchan", "nats");
    assertThat(compare.steps()).hasSize(4);
    for (CompareCommand.Step step : compare.steps()) {
      assertThat(step.sent()).as(step.server()).isPositive();
      assertThat(step.delivered()).as(step.server()).isEqualTo(step.expected());
    }
    assertThat(compare.steps()).extracting(CompareCommand.Step::server).doesNotHaveDuplicates();
  }
}
