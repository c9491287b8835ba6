package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.comet.config.CometConfig;
import io.herald.comet.config.Transport;
import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code listen.transport}: auto in deploy/comet.yaml, any case, and what auto resolves to. */
class TransportConfigTest {
  private static final ConfigLoader<CometConfig> LOADER =
      new ConfigLoader<>(CometConfig.class, CometConfig.defaults(), "COMET");
  private static final Path EXAMPLE = Path.of("..", "deploy", "comet.yaml");

  private static Transport loaded(String value) {
    return LOADER
        .load(EXAMPLE, Map.of("COMET_LISTEN_TRANSPORT", value))
        .config()
        .listen()
        .transport();
  }

  @Test
  void autoByDefaultAndEachChoiceInAnyCase() {
    assertThat(CometConfig.defaults().listen().transport()).isEqualTo(Transport.AUTO);
    assertThat(LOADER.load(EXAMPLE, Map.of()).config().listen().transport())
        .isEqualTo(Transport.AUTO);
    assertThat(loaded("io_uring")).isEqualTo(Transport.IO_URING);
    assertThat(loaded("EPOLL")).isEqualTo(Transport.EPOLL);
    assertThat(loaded(" nio ")).isEqualTo(Transport.NIO);
    assertThat(Transport.IO_URING.label()).isEqualTo("io_uring");
  }

  @Test
  void anUnknownTransportIsNamedWithTheChoices() {
    assertThatThrownBy(() -> loaded("kqueue"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("listen.transport")
        .hasMessageContaining("kqueue")
        .hasMessageContaining("auto, io_uring, epoll or nio");
  }

  @Test
  void autoIsEpollWhereAvailableElseNio() {
    assertThat(EventLoops.resolve(Transport.AUTO))
        .isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
    assertThat(EventLoops.resolve(Transport.NIO)).isEqualTo(Transport.NIO);
  }

  @Test
  void anExplicitTransportThePlatformLacksFailsAtStartNamingWhy() {
    Throwable why = new UnsupportedOperationException("io_uring_setup: Operation not permitted");

    assertThatThrownBy(() -> EventLoops.available(Transport.IO_URING, false, why))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "listen.transport: io_uring is not available on this machine"
                + " (java.lang.UnsupportedOperationException: io_uring_setup: Operation not"
                + " permitted); use auto, or nio")
        .hasCause(why);
    assertThat(EventLoops.available(Transport.EPOLL, true, null)).isEqualTo(Transport.EPOLL);
    if (IoUring.isAvailable()) {
      assertThat(EventLoops.resolve(Transport.IO_URING)).isEqualTo(Transport.IO_URING);
    } else {
      assertThatThrownBy(() -> EventLoops.resolve(Transport.IO_URING))
          .isInstanceOf(ConfigException.class);
    }
  }
}
