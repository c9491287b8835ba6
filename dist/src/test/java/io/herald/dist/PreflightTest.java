package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.dist.Preflight.Endpoint;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreflightTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Test
  void readsHostAndPortFromAddressesAndUris() {
    assertThat(Preflight.socketAddress("127.0.0.1:9092")).isEqualTo(address("127.0.0.1", 9092));
    assertThat(Preflight.socketAddress("redis://127.0.0.1:6380/0"))
        .isEqualTo(address("127.0.0.1", 6380));
    assertThat(Preflight.socketAddress("redis://127.0.0.1")).isEqualTo(address("127.0.0.1", 6379));
    assertThat(Preflight.socketAddress("jdbc:postgresql://127.0.0.1/herald?user=x"))
        .isEqualTo(address("127.0.0.1", 5432));
    assertThatThrownBy(() -> Preflight.socketAddress("kafka"))
        .hasMessageContaining("not host:port");
  }

  @Test
  void passesWhenOneAddressOfAListAccepts() throws Exception {
    try (ServerSocket listening = new ServerSocket(0)) {
      int closed = closedPort();
      Preflight.check(
          "job",
          List.of(
              new Endpoint(
                  "Kafka",
                  "kafka.bootstrapServers",
                  "127.0.0.1:" + closed + ",127.0.0.1:" + listening.getLocalPort())),
          TIMEOUT);
    }
  }

  @Test
  void namesEveryUnreachableBackendAndTheSettingToFix() throws Exception {
    int closed = closedPort();
    assertThatThrownBy(
            () ->
                Preflight.check(
                    "logic",
                    List.of(
                        new Endpoint(
                            "Redis (sessions)",
                            "store.redis.uri (LOGIC_STORE_REDIS_URI)",
                            "redis://127.0.0.1:" + closed),
                        new Endpoint(
                            "Kafka (pushes)",
                            "push.kafka.bootstrapServers",
                            "127.0.0.1:" + closed)),
                    TIMEOUT))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("herald logic cannot start")
        .hasMessageContaining("Redis (sessions) at redis://127.0.0.1:" + closed + " is unreachable")
        .hasMessageContaining("LOGIC_STORE_REDIS_URI")
        .hasMessageContaining("Kafka (pushes) at 127.0.0.1:" + closed);
  }

  private static InetSocketAddress address(String host, int port) {
    return new InetSocketAddress(host, port);
  }

  /** A port nothing listens on (just released). */
  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
