package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.herald.dist.Preflight.Endpoint;
import io.herald.dist.Preflight.Listener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PreflightTest {

  @Test
  void readsHostAndPortFromAddressesAndUris() {
    assertThat(Preflight.socketAddress("127.0.0.1:9092")).isEqualTo(address("127.0.0.1", 9092));
    assertThat(Preflight.socketAddress("[::1]:9092")).isEqualTo(address("::1", 9092));
    assertThat(Preflight.socketAddress("redis://127.0.0.1:6380/0"))
        .isEqualTo(address("127.0.0.1", 6380));
    assertThat(Preflight.socketAddress("redis://127.0.0.1")).isEqualTo(address("127.0.0.1", 6379));
    assertThat(Preflight.socketAddress("jdbc:postgresql://127.0.0.1/herald?user=x"))
        .isEqualTo(address("127.0.0.1", 5432));
    assertThat(Preflight.socketAddress("kafka.internal:9092"))
        .isEqualTo(address("kafka.internal", 9092));
    assertThatThrownBy(() -> Preflight.socketAddress("kafka"))
        .hasMessageContaining("not host:port");
  }

  @Test
  void passesWhenOneAddressOfAListAccepts() throws Exception {
    try (ServerSocket listening = new ServerSocket(0)) {
      int closed = closedPort();
      Preflight.await(
          "job",
          List.of(
              new Endpoint(
                  "Kafka",
                  "kafka.bootstrapServers",
                  "127.0.0.1:" + closed + ",127.0.0.1:" + listening.getLocalPort())),
          Duration.ZERO);
    }
  }

  @Test
  void namesEveryUnreachableBackendAndTheSettingToFix() throws Exception {
    int closed = closedPort();
    assertThatThrownBy(
            () ->
                Preflight.await(
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
                    Duration.ZERO))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("herald logic cannot start")
        .hasMessageContaining("Redis (sessions) at redis://127.0.0.1:" + closed + " is unreachable")
        .hasMessageContaining("LOGIC_STORE_REDIS_URI")
        .hasMessageContaining("Kafka (pushes) at 127.0.0.1:" + closed);
  }

  /**
   * Roles started together come up in any order: a server that begins to listen while a role waits
   * lets it go on, and the wait says in a log line what it waits for and for how long.
   */
  @Test
  void waitsForAServerThatStartsLaterAndSaysWhatItWaitsFor() throws Exception {
    int port = closedPort();
    ListAppender<ILoggingEvent> logged = capture();
    CompletableFuture<Void> waited;
    try {
      waited =
          CompletableFuture.runAsync(
              () ->
                  Preflight.await(
                      "comet",
                      List.of(
                          new Endpoint(
                              "Logic (gRPC)",
                              "logic.target (COMET_LOGIC_TARGET)",
                              "127.0.0.1:" + port)),
                      Duration.ofSeconds(60)));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(messages(logged))
                      .contains(
                          "herald comet: waiting up to 1m for Logic (gRPC) at 127.0.0.1:"
                              + port
                              + " (logic.target) (--wait or HERALD_WAIT sets how long)"));
      assertThat(waited).isNotDone();

      try (ServerSocket logic = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
        waited.get(30, TimeUnit.SECONDS);
      }
    } finally {
      release(logged);
    }
    assertThat(messages(logged))
        .anyMatch(m -> m.startsWith("herald comet: Logic (gRPC) at 127.0.0.1:" + port));
  }

  @Test
  void failsNamingTheServerAndTheWaitOnceTheBoundPasses() throws Exception {
    int closed = closedPort();
    long begin = System.nanoTime();

    assertThatThrownBy(
            () ->
                Preflight.await(
                    "job",
                    List.of(new Endpoint("Kafka", "kafka.bootstrapServers", "127.0.0.1:" + closed)),
                    Duration.ofMillis(600)))
        .isInstanceOf(LaunchException.class)
        .hasMessage(
            "herald job cannot start:\n  - Kafka at 127.0.0.1:"
                + closed
                + " is unreachable (connection refused) after waiting 600ms (--wait or"
                + " HERALD_WAIT); start it, or point kafka.bootstrapServers at one that runs");
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThan(Duration.ofMillis(600));
  }

  @Test
  void anAddressThatIsNotHostAndPortFailsWithoutWaiting() {
    assertThatThrownBy(
            () ->
                Preflight.await(
                    "job",
                    List.of(new Endpoint("Kafka", "kafka.bootstrapServers (X)", "kafka")),
                    Duration.ofMinutes(10)))
        .isInstanceOf(LaunchException.class)
        .hasMessage(
            "herald job cannot start:\n  - Kafka at kafka: not host:port: kafka; set"
                + " kafka.bootstrapServers (X) to host:port");
  }

  @Test
  void aPortInUseIsNamedWithItsSetting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      int free = closedPort();
      assertThatThrownBy(
              () ->
                  Preflight.checkListeners(
                      "comet",
                      List.of(
                          new Listener("listen.wsPort (COMET_LISTEN_WSPORT)", "127.0.0.1", free),
                          new Listener(
                              "listen.tcpPort (COMET_LISTEN_TCPPORT)", "127.0.0.1", port))))
          .isInstanceOf(LaunchException.class)
          .hasMessageStartingWith(
              "herald comet cannot start:\n  - listen.tcpPort (COMET_LISTEN_TCPPORT): cannot listen"
                  + " on 127.0.0.1:"
                  + port
                  + " (address already in use")
          .hasMessageEndingWith("; stop what holds the port, or choose another")
          .hasMessageNotContaining("COMET_LISTEN_WSPORT");
    }
  }

  /** Preflight's log at INFO, as the launcher's logback.xml has it (the tests' is at WARN). */
  private static ListAppender<ILoggingEvent> capture() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger logger = (Logger) LoggerFactory.getLogger(Preflight.class);
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    return appender;
  }

  private static void release(ListAppender<ILoggingEvent> appender) {
    Logger logger = (Logger) LoggerFactory.getLogger(Preflight.class);
    logger.detachAppender(appender);
    logger.setLevel(null);
  }

  private static List<String> messages(ListAppender<ILoggingEvent> appender) {
    synchronized (appender) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private static InetSocketAddress address(String host, int port) {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** A port nothing listens on (just released). */
  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
