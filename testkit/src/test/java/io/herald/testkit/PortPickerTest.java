package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortPickerTest {

  @Test
  void picksFreePortsBelowTheEphemeralRange() throws Exception {
    PortPicker picker = PortPicker.system();
    for (int i = 0; i < 50; i++) {
      int port = picker.pick();
      assertThat(port).isBetween(PortPicker.LOWEST, PortPicker.HIGHEST).isLessThan(32768);
      assertThat(PortPicker.canBind(port)).isTrue();
    }
  }

  @Test
  void skipsPortsThatAreTaken() throws Exception {
    Set<Integer> taken = Set.of(PortPicker.LOWEST, PortPicker.LOWEST + 1);
    var picker = new PortPicker(scripted(0, 1, 2), port -> !taken.contains(port));

    assertThat(picker.pick()).isEqualTo(PortPicker.LOWEST + 2);
  }

  @Test
  void neverHandsOutAPortTwice() throws Exception {
    var picker = new PortPicker(scripted(5, 5, 5, 6), port -> true);

    assertThat(List.of(picker.pick(), picker.pick()))
        .containsExactly(PortPicker.LOWEST + 5, PortPicker.LOWEST + 6);
  }

  @Test
  void coversTheWholeRange() throws Exception {
    var picker = new PortPicker(scripted(0, PortPicker.HIGHEST - PortPicker.LOWEST), port -> true);

    assertThat(List.of(picker.pick(), picker.pick()))
        .containsExactly(PortPicker.LOWEST, PortPicker.HIGHEST);
  }

  @Test
  void givesUpWhenNothingIsFree() {
    Set<Integer> asked = new HashSet<>();
    var picker =
        new PortPicker(
            bound -> asked.size() % bound,
            port -> {
              asked.add(port);
              return false;
            });

    assertThatThrownBy(picker::pick)
        .isInstanceOf(StartupFailure.class)
        .hasMessageContaining("no free port on 127.0.0.1 in 20000-32000");
  }

  /** A random source that returns these numbers in turn. */
  private static java.util.function.IntUnaryOperator scripted(int... numbers) {
    Queue<Integer> queue = new ArrayDeque<>();
    for (int n : numbers) {
      queue.add(n);
    }
    return bound -> {
      int n = queue.remove();
      assertThat(n).isBetween(0, bound - 1);
      return n;
    };
  }
}
