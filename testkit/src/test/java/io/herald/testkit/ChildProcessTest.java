package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

  @TempDir Path directory;

  @Test
  void failsAtOnceWithTheOutputWhenTheProcessExits() throws Exception {
    var process =
        ChildProcess.start(
            List.of("sh", "-c", "echo starting; echo 'port in use' >&2; exit 3"),
            directory.resolve("out.log"));

    assertThatThrownBy(() -> process.awaitReady("it listens", Duration.ofSeconds(30), () -> false))
        .isInstanceOf(StartupFailure.class)
        .hasMessageStartingWith("sh exited with code 3 before it listens\n")
        .hasMessageContaining("command: sh -c 'echo starting;")
        .hasMessageEndingWith("\n    starting\n    port in use");
  }

  @Test
  void failsAfterTheTimeoutAndStopsOnRequest() throws Exception {
    var process =
        ChildProcess.start(List.of("tail", "-f", "/dev/null"), directory.resolve("out.log"));

    assertThatThrownBy(() -> process.awaitReady("it answers", Duration.ofMillis(100), () -> false))
        .isInstanceOf(StartupFailure.class)
        .hasMessageStartingWith("timed out after 100 ms waiting until it answers\n  command: tail");

    process.stop(Duration.ofSeconds(5));
    process.stop(Duration.ofSeconds(5));
    assertThat(ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive)).isNotEqualTo(true);
  }

  @Test
  void commandFailsWithItsOutput() {
    assertThatThrownBy(
            () ->
                Command.run(
                    List.of("sh", "-c", "echo 'initdb: bad locale'; exit 1"),
                    directory.resolve("initdb.log"),
                    Duration.ofSeconds(30)))
        .isInstanceOf(StartupFailure.class)
        .hasMessage(
            """
            sh exited with code 1
              command: sh -c 'echo '\\''initdb: bad locale'\\''; exit 1'
              output (last lines):
                initdb: bad locale""");
  }

  @Test
  void commandThatCannotRunSaysWhy() {
    assertThatThrownBy(
            () ->
                Command.run(
                    List.of("no-such-server-binary"),
                    directory.resolve("out.log"),
                    Duration.ofSeconds(5)))
        .isInstanceOf(StartupFailure.class)
        .hasMessageStartingWith("cannot run no-such-server-binary: Cannot run program");
  }
}
