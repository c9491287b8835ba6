package io.herald.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.bench.scenario.ClientProcesses.Launch;
import org.junit.jupiter.api.Test;

/** How connections are spread over client processes, and which user ids each one takes. */
class ClientProcessesTest {

  @Test
  void connectionsAreSpreadEvenlyAndTheLastProcessTakesTheRemainder() {
    assertThat(ClientProcesses.plan(0, 0, 200, 3))
        .containsExactly(new Launch(0, 66, 1), new Launch(1, 66, 67), new Launch(2, 68, 133));
  }

  @Test
  void moreProcessesComeOnNewSourceAddressesWithUserIdsAfterTheOpenedConnections() {
    assertThat(ClientProcesses.plan(1, 50, 100, 2))
        .containsExactly(new Launch(1, 50, 51), new Launch(2, 50, 101));
  }

  @Test
  void oneProcessTakesAll() {
    assertThat(ClientProcesses.plan(0, 0, 7, 1)).containsExactly(new Launch(0, 7, 1));
  }
}
