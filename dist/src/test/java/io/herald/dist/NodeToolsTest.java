package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class NodeToolsTest {

  @Test
  void aMissingProgramFailsOnCiAndSkipsElsewhere() {
    assertThat(NodeTools.unavailable("chromium is not installed", true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("chromium is not installed")
        .hasMessageContaining("CI=true");
    assertThat(NodeTools.unavailable("chromium is not installed", false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("skipped");
  }

  @Test
  void requireNamesTheInstallCommand() {
    assertThatThrownBy(
            () ->
                NodeTools.require(
                    "herald-no-such-program", "/nonexistent/herald", "apt-get install it"))
        .hasMessageContaining("herald-no-such-program is not installed")
        .hasMessageContaining("apt-get install it")
        .isInstanceOf(NodeTools.ci() ? IllegalStateException.class : TestAbortedException.class);
  }

  @Test
  void findsProgramsOnThePathOrAtTheFallback() {
    assertThat(NodeTools.require("sh", "/nonexistent/sh", "")).isExecutable();
    assertThat(NodeTools.require("herald-no-such-program", "/bin/sh", "")).hasToString("/bin/sh");
  }
}
