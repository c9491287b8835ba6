package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StartupFailureTest {

  @Test
  void namesTheCommandAndTheEndOfItsOutput() {
    var failure =
        new StartupFailure(
            "redis-server exited with code 1",
            List.of("redis-server", "--port", "23456", "--save", ""),
            "# Warning: no config file specified\n# Could not create server TCP listening socket");

    assertThat(failure)
        .hasMessage(
            """
            redis-server exited with code 1
              command: redis-server --port 23456 --save ''
              output (last lines):
                # Warning: no config file specified
                # Could not create server TCP listening socket""");
  }

  @Test
  void saysWhenThereWasNoOutput() {
    var failure = new StartupFailure("cannot run initdb", List.of("initdb", "-D", "/tmp/a b"), "");

    assertThat(failure)
        .hasMessage("cannot run initdb\n  command: initdb -D '/tmp/a b'\n  output: (none)");
  }
}
