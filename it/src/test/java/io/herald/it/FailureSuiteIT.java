package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.it.failure.Fault;
import io.herald.it.failure.FaultRun;
import io.herald.it.failure.GoimDevices;
import io.herald.it.failure.Push;
import io.herald.it.failure.PushKind;
import io.herald.it.failure.PushStream;
import io.herald.it.failure.Receiver;
import io.herald.it.failure.Scale;
import io.herald.it.failure.SdkDevice;
import io.herald.it.failure.SdkDevices;
import io.herald.it.support.GoimApi;
import io.herald.testkit.FreePorts;
import io.herald.testkit.HeraldProcess;
import io.herald.testkit.KafkaProcess;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisProcess;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.RoleOptions;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The failure suite (issue 19): the whole system as separate processes — Logic, Job and two Comets,
 * each in a JVM of its own started by the launcher — on a Redis and a Kafka broker of the test's
 * own, with SDK devices (protocol 2: acks, SYNC) and goim devices (protocol 1) connected, and a
 * steady stream of pushes of every delivery class ({@link PushKind}: best effort, acked, stored and
 * notify to one device; room; broadcast). Under it, one fault after another, each healed before the
 * next: Job killed and started again, Logic killed and started again, Redis frozen, Redis killed
 * and started again empty, Redis flushed, Kafka stopped and started again, a Comet drained, a Comet
 * killed. Each fault's pushes are held to docs/delivery.md ({@link Verdict}: stored pushes answered
 * 0 are never lost, nothing answered 0 is lost where a guarantee says so, duplicates only where the
 * docs allow them, no call hangs) and to the fault's own rows there and in docs/operations.md; the
 * suite prints a table of what each fault cost and how long the system took to deliver every class
 * again.
 *
 * <p>CI runs it compact (a few devices, a few pushes in each fault). {@code bench/run failures}
 * runs it full ({@code -Dherald.failures=full}): more devices, a faster stream, longer faults.
 */
@RealRedis
@RealKafka
class FailureSuiteIT {
  private static final Scale SCALE = Scale.fromSystemProperty();
  private static final Duration WAIT = FaultRun.WAIT;
  private static final String TOPIC = "herald-push-failures";

  private RedisProcess redis;
  private KafkaProcess kafka;
  private HeraldCluster cluster;
  private SdkDevices devices;
  private GoimDevices goims;
  private PushStream stream;
  private final List<WireClient> wires = new ArrayList<>();

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
    if (stream != null) {
      stream.close();
    }
    wires.forEach(WireClient::close);
    if (devices != null) {
      devices.close();
    }
    if (goims != null) {
      goims.close();
    }
    cluster.close();
    kafka.close();
    redis.close();
  }

  @Test
  void everyFaultInTurnUnderAStreamOfEveryDeliveryClass() {
    long begin = System.nanoTime();
    HeraldCluster.Logic logic = cluster.logic();
    CometPorts portsOfA = CometPorts.free();
    CometPorts portsOfB = CometPorts.free();
    HeraldCluster.Comet a = cluster.comet("comet-a", logic, portsOfA, RoleOptions.DEFAULTS);
    HeraldCluster.Comet b = cluster.comet("comet-b", logic, portsOfB, RoleOptions.DEFAULTS);
    HeraldCluster.Role job = cluster.job();
    devices = SdkDevices.start(SCALE.sdkDevices(), 60_000, a, b);
    goims = new GoimDevices(SCALE.goimDevices(), 61_000);
    stream =
        new PushStream(
                logic.url(""), devices.all(), goims.all(), List.of(portsOfA::tcp, portsOfB::tcp))
            .start(SCALE.period());
    FaultRun.report("system up, devices connected, stream started", FaultRun.millisSince(begin));
    FaultRun run = new FaultRun(SCALE, stream, devices);

    // Job: "replayed from Kafka: may repeat, none lost while the Comet stays registered".
    run.under(
        Fault.of("Job killed (SIGKILL), started again").repeating(),
        () -> job.process().kill(),
        accepted(),
        () -> cluster.job(job.port(), RoleOptions.DEFAULTS));

    // Logic: "a push being accepted fails (the backend retries)"; clients keep their connections.
    Map<Receiver, Integer> connections = devices.connections();
    AtomicReference<HeraldCluster.Logic> logicNow = new AtomicReference<>(logic);
    run.under(
        Fault.of("Logic killed (SIGKILL), started again"),
        () -> logic.process().kill(),
        push -> push.code() == Push.REFUSED,
        () -> logicNow.set(cluster.logic(logic.httpPort(), logic.grpcPort())));
    assertThat(devices.connections())
        .as("connections kept while Logic was down")
        .isEqualTo(connections);

    // Redis hangs: unicast pushes answer -500, SYNC answers "unavailable" (an empty op 20).
    WireClient syncing = wire(a).auth(62_000, "fs-sync", "");
    connections = devices.connections();
    String frozen = "Redis frozen (SIGSTOP), then SIGCONT";
    FaultRun.Window freeze =
        run.under(
            Fault.of(frozen),
            () -> {
              redis.freeze();
              syncing.send(Op.SYNC, 1, new byte[0]);
              syncing.await(
                  frame -> frame.op() == Op.SYNC_REPLY && frame.body().length == 0,
                  Duration.ofSeconds(20),
                  "an empty SYNC_REPLY (unavailable) while Redis hangs");
            },
            push -> push.code() == -500,
            redis::thaw);
    assertUnicastRefusedDuring(frozen, freeze);
    assertThat(devices.connections())
        .as("connections kept while Redis hung")
        .isEqualTo(connections);

    // Redis down, back empty: -500 while down; then epochs change and every device is told.
    String killed = "Redis killed (SIGKILL), started again empty";
    AtomicReference<List<SdkDevice>> holding = new AtomicReference<>(List.of());
    AtomicLong flushedAt = new AtomicLong();
    FaultRun.Window down =
        run.under(
            Fault.of(killed).losingTheInbox(),
            () -> {
              holding.set(devices.holdingAnInbox());
              redis.kill();
            },
            push -> push.code() == -500,
            redis::restart);
    assertUnicastRefusedDuring(killed, down);
    SdkDevices.awaitResetSince(holding.get(), down.injected(), WAIT);

    run.under(
        Fault.of("Redis emptied (FLUSHALL)").losingTheInbox(),
        () -> {
          holding.set(devices.holdingAnInbox());
          flushedAt.set(System.nanoTime());
          flushRedis();
        },
        push -> true,
        () -> {});
    SdkDevices.awaitResetSince(holding.get(), flushedAt.get(), WAIT);

    // Kafka: "the API answers -500; nothing accepted" (answered 0 before it: not lost).
    run.under(
        Fault.of("Kafka stopped, started again").repeating(),
        kafka::stop,
        push -> {
          if (push.code() != -500) {
            return false;
          }
          assertThat(push.message()).contains("kafka");
          assertThat(HeraldProcess.status(logicNow.get().url("/live"))).isEqualTo(200);
          return true;
        },
        kafka::restart);

    // A drained Comet's clients move to the other and stay reachable.
    run.under(
        Fault.of("Comet drained (SIGTERM, drain 2 s)"),
        () -> b.process().stop(Duration.ofSeconds(30)),
        push -> true,
        () ->
            await()
                .atMost(WAIT)
                .untilAsserted(
                    () ->
                        assertThat(devices.all())
                            .allMatch(device -> device.node().endsWith(":" + a.tcpPort()))));
    // Again on its client port (the devices' node lists name it); the others fresh, so a port
    // another process took meanwhile cannot stop it.
    cluster.comet(
        "comet-b",
        logicNow.get(),
        new CometPorts(portsOfB.tcp(), FreePorts.next(), FreePorts.next(), FreePorts.next()),
        RoleOptions.DEFAULTS);

    // A killed Comet's clients reconnect to the other and SYNC what they missed. Until its record
    // expires Job retries the records it is in, which may hand the other Comet a room or broadcast
    // push again: best effort is at least once from Kafka to the Comet (delivery.md).
    GoimApi api = new GoimApi(logicNow.get().url(""));
    run.under(
        Fault.of("Comet killed (SIGKILL)").repeating(),
        () -> a.process().kill(),
        push -> true,
        () ->
            await()
                .atMost(WAIT)
                .untilAsserted(
                    () -> {
                      assertThat(devices.all())
                          .allMatch(device -> device.node().endsWith(":" + b.tcpPort()));
                      assertThat(api.get("/goim/nodes/instances").path("data").toString())
                          .as("the killed Comet's record expired")
                          .doesNotContain("comet-a");
                    }));

    run.finish();
    System.out.printf(
        "[failures] %s run, %d SDK + %d goim devices, a round of %d pushes every %d ms, %d s%n%s%n",
        SCALE.name(),
        SCALE.sdkDevices(),
        SCALE.goimDevices(),
        PushKind.values().length,
        SCALE.period().toMillis(),
        FaultRun.millisSince(begin) / 1000,
        run.table());
    assertThat(run.violations()).as("what broke a documented guarantee").isEmpty();
  }

  /**
   * "Redis is down: the API answers -500" — every push that needs Redis (by key or mid), sent after
   * the fault began and answered before healing began.
   */
  private void assertUnicastRefusedDuring(String phase, FaultRun.Window window) {
    List<Push> unicast =
        stream.pushes(phase).stream()
            .filter(push -> push.kind().unicast())
            .filter(push -> push.sentNanos() >= window.injected())
            .filter(push -> push.answeredNanos() <= window.healed())
            .toList();
    assertThat(unicast).as("unicast pushes while Redis was unavailable").isNotEmpty();
    assertThat(unicast)
        .as("answered -500 while Redis was unavailable")
        .allMatch(push -> push.code() == -500);
  }

  private void flushRedis() {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().flushall();
    } finally {
      client.shutdown();
    }
  }

  private static Predicate<Push> accepted() {
    return Push::accepted;
  }

  private WireClient wire(HeraldCluster.Comet comet) {
    WireClient client = WireClient.tcp(comet.tcpPort(), ProtocolVersion.V2);
    wires.add(client);
    return client;
  }
}
