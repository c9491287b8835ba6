package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.comet.session.Connection;
import java.net.InetAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.GraphLayout;
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

  /**
   * An upgraded WebSocket keeps one handler before the connection handler, the codec: Netty's
   * decoder state and what a fragmented message or a close needs.
   */
  @Test
  void theWebSocketCodecStaysWithin56Bytes() {
    assertThat(size(WebSocketCodec.class)).isLessThanOrEqualTo(56);
  }

  /**
   * Behind a PROXY listener a connection keeps, once its header is in, only the address it
   * declared: a channel attribute (the attribute and the map's one-slot array) holding the address
   * (docs/operations.md). Its handlers have left the pipeline; without the PROXY protocol there is
   * no attribute at all.
   */
  @Test
  void aDeclaredClientAddressCostsAtMost168Bytes() throws Exception {
    long attribute =
        size(Class.forName("io.netty.util.DefaultAttributeMap$DefaultAttribute"))
            + GraphLayout.parseInstance((Object) new Object[1]).totalSize();
    long ipv4 = GraphLayout.parseInstance(InetAddress.getByName("203.0.113.7")).totalSize();
    long ipv6 = GraphLayout.parseInstance(InetAddress.getByName("2001:db8::7")).totalSize();
    System.out.printf(
        "PROXY-declared address per connection: attribute %d B + IPv4 %d B / IPv6 %d B%n",
        attribute, ipv4, ipv6);
    assertThat(attribute + ipv4).isLessThanOrEqualTo(104);
    assertThat(attribute + ipv6).isLessThanOrEqualTo(168);
  }

  @Test
  void aQueuedFlushTaskIsOneSmallObject() {
    assertThat(size(FlushBatchingHandler.FlushTask.class)).isEqualTo(16);
  }
}
