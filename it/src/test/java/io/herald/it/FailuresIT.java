package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.client.HeraldClient;
import io.herald.client.HeraldListener;
import io.herald.client.Message;
import io.herald.it.support.GoimApi;
import io.herald.it.support.TestDevices;
import io.herald.testkit.HeraldProcess;
import io.herald.testkit.KafkaProcess;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisProcess;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.HeraldCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What happens when a part of the system goes away under a push stream, with each role in a process
 * of its own, a Redis and a Kafka broker of the test's own, and clients from the Java SDK that
 * reconnect as applications do: a Comet drained, Logic killed and started again, Kafka stopped and
 * started again. Each test measures how long the system takes to be right again and prints it
 * (docs/operations.md, "What happens when", quotes these runs) and checks that nothing accepted is
 * lost.
 */
@RealRedis
@RealKafka
class FailuresIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicLong MIDS = new AtomicLong(50_000);
  private static final String TOPIC = "herald-push-failures";

  private RedisProcess redis;
  private KafkaProcess kafka;
  private HeraldCluster cluster;
  private final List<Device> devices = new ArrayList<>();

  @BeforeEach
  void start() {
    redis = RedisProcess.start();
    kafka = KafkaProcess.start();
    kafka.createTopic(TOPIC, 4);
    cluster =
        new HeraldCluster(Backends.of(redis.uri(), kafka.bootstrapServers(), TOPIC, "herald-job"));
  }

  @AfterEach
  void stop() {
    devices.forEach(device -> device.client.close());
    cluster.close();
    kafka.close();
    redis.close();
  }

  /** An SDK client that walks {@code nodes}, keeps the texts it receives. */
  private final class Device {
    final long mid = MIDS.incrementAndGet();
    final List<String> texts = new CopyOnWriteArrayList<>();
    final HeraldClient client;

    Device(HeraldCluster.Comet... comets) {
      client =
          TestDevices.tcp(mid, comets)
              .listener(
                  new HeraldListener() {
                    @Override
                    public void onMessage(Message message) {
                      texts.add(message.text());
                    }
                  })
              .build();
      devices.add(this);
    }

    Device started() {
      try {
        client.start().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("device " + mid + " did not connect", e);
      }
      return this;
    }

    String server() {
      return client.connection().map(info -> info.node()).orElse("");
    }
  }

  private static List<Long> mids(List<Device> devices) {
    return devices.stream().map(device -> device.mid).toList();
  }

  /** Pushes {@code text} to every device by mid; the answer's offline mids. */
  private static List<Long> push(GoimApi api, List<Device> devices, String text) {
    JsonNode answer = api.pushMids(mids(devices), text);
    assertThat(answer.get("code").asInt()).as(answer.toString()).isZero();
    List<Long> offline = new ArrayList<>();
    answer.get("data").get("offline").forEach(mid -> offline.add(mid.asLong()));
    return offline;
  }

  private static void report(String what, long millis) {
    System.out.printf("[what happens when] %s: %d ms%n", what, millis);
  }

  private static long millisSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
  }

  @Test
  void aDrainedCometsClientsMoveToAnotherAndStayReachable() {
    HeraldCluster.Logic logic = cluster.logic();
    HeraldCluster.Comet stays = cluster.comet("comet-a", logic);
    HeraldCluster.Comet drained = cluster.comet("comet-b", logic);
    cluster.job();
    List<Device> onDrained = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      onDrained.add(new Device(drained, stays).started());
    }
    GoimApi api = new GoimApi(logic.url(""));
    assertThat(push(api, onDrained, "before")).isEmpty();

    long signalled = System.nanoTime();
    drained.process().stop(Duration.ofSeconds(30)); // SIGTERM: the Comet drains, then exits
    report("Comet drained (SIGTERM, drain 2 s) -> its process exited", millisSince(signalled));
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              assertThat(onDrained).allMatch(d -> d.server().endsWith(":" + stays.tcpPort()));
              assertThat(push(api, onDrained, "probe")).isEmpty();
            });
    report("Comet drained -> every client reachable on another Comet", millisSince(signalled));

    assertThat(push(api, onDrained, "after the drain")).isEmpty();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(onDrained).allMatch(d -> d.texts.contains("after the drain")));
  }

  @Test
  void logicKilledAndStartedAgainLosesNoConnectionAndServesPushesAgain() {
    HeraldCluster.Logic logic = cluster.logic();
    HeraldCluster.Comet comet = cluster.comet("comet-a", logic);
    cluster.job();
    List<Device> connected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      connected.add(new Device(comet).started());
    }
    logic.process().kill();
    long killed = System.nanoTime();
    HeraldCluster.Logic again = cluster.logic(logic.httpPort(), logic.grpcPort());
    report("Logic killed -> a new Logic ready (JVM start included)", millisSince(killed));
    assertThat(push(new GoimApi(again.url("")), connected, "after the restart")).isEmpty();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(connected).allMatch(d -> d.texts.contains("after the restart")));
    report("Logic killed -> pushes delivered again", millisSince(killed));
  }

  @Test
  void kafkaStoppedFailsPushesClearlyAndLosesNoneAcceptedAndRecovers() {
    HeraldCluster.Logic logic = cluster.logic();
    HeraldCluster.Comet comet = cluster.comet("comet-a", logic);
    cluster.job();
    Device device = new Device(comet).started();
    GoimApi api = new GoimApi(logic.url(""));
    assertThat(push(api, List.of(device), "accepted before")).isEmpty();

    kafka.stop();
    long stopped = System.nanoTime();
    long asked = System.nanoTime();
    JsonNode refused = api.pushMids(List.of(device.mid), "while kafka is down");
    report("Kafka stopped -> a push is answered -500", millisSince(asked));
    assertThat(refused.get("code").asInt()).as(refused.toString()).isEqualTo(-500);
    assertThat(refused.get("message").asText()).contains("kafka");
    assertThat(HeraldProcess.status(logic.url("/live"))).isEqualTo(200);

    kafka.restart();
    long restarted = System.nanoTime();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> api.pushMids(List.of(device.mid), "after kafka").get("code").asInt() == 0);
    report("Kafka restarted -> pushes accepted again", millisSince(restarted));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(device.texts).contains("accepted before", "after kafka"));
    report("Kafka restarted -> pushes delivered again", millisSince(restarted));
    report("Kafka stopped -> outage seen by backends", millisSince(stopped));
  }
}
