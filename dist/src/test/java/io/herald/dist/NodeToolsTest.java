package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
  void aNodeOlderThanRequiredIsNamedAndFailsOnCi() {
    Path node = Path.of("/usr/bin/node");
    String why = "playwright-core needs Node >= 20";

    assertThatThrownBy(() -> NodeTools.checkNodeVersion(node, "v18.19.1", 20, why, true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node at /usr/bin/node is v18.19.1")
        .hasMessageContaining(why)
        .hasMessageContaining("CI=true");
    assertThatThrownBy(() -> NodeTools.checkNodeVersion(node, "v19.9.0", 20, why, false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("is v19.9.0")
        .hasMessageContaining("skipped");
    assertThatThrownBy(() -> NodeTools.checkNodeVersion(node, "", 20, why, true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a Node version");
  }

  @Test
  void aNodeOfTheRequiredVersionOrLaterPasses() {
    Path node = Path.of("/usr/bin/node");

    assertThatCode(() -> NodeTools.checkNodeVersion(node, "v20.0.0", 20, "", true))
        .doesNotThrowAnyException();
    assertThatCode(() -> NodeTools.checkNodeVersion(node, "v22.11.0", 20, "", true))
        .doesNotThrowAnyException();
  }

  @Test
  void findsProgramsOnThePathOrAtTheFallback() {
    assertThat(NodeTools.require("sh", "/nonexistent/sh", "")).isExecutable();
    assertThat(NodeTools.require("herald-no-such-program", "/bin/sh", "")).hasToString("/bin/sh");
  }
}
