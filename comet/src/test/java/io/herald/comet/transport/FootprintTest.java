package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.comet.session.Connection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.vm.VM;

/**
 * What an authenticated connection's own Herald objects cost (docs/benchmarks.md, scenario 1):
 * sizes from the object layout of this JVM, checked on the usual 64-bit layout (compressed
 * references and class pointers, 12-byte headers, 8-byte alignment). A field added to one of them
 * must fit a gap or show up here.
 */
class FootprintTest {
  @BeforeAll
  static void usualLayout() {
    var vm = VM.current();
    assumeTrue(
        vm.arrayIndexScale("java.lang.Object") == 4
            && vm.objectHeaderSize() == 12
            && vm.objectAlignment() == 8,
        "a JVM with compressed references and 8-byte alignment");
  }

  private static long size(Class<?> type) {
    return ClassLayout.parseClass(type).instanceSize();
  }

  @Test
  void aConnectionIs48Bytes() {
    assertThat(size(Connection.class)).isEqualTo(48);
  }

  @Test
  void theConnectionHandlerStaysWithin80Bytes() {
    assertThat(size(ConnectionHandler.class)).isLessThanOrEqualTo(80);
  }

  @Test
  void theAuthHandlerStaysWithin80Bytes() {
    assertThat(size(AuthHandler.class)).isLessThanOrEqualTo(80);
  }

  @Test
  void aQueuedFlushTaskIsOneSmallObject() {
    assertThat(size(FlushBatchingHandler.FlushTask.class)).isEqualTo(16);
  }
}
