package io.herald.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.it.failure.DoomedMaster;
import io.herald.it.failure.Fault;
import io.herald.it.failure.FaultRun;
import io.herald.it.failure.GoimDevices;
import io.herald.it.failure.Push;
import io.herald.it.failure.PushKind;
import io.herald.it.failure.PushStream;
import io.herald.it.failure.Scale;
import io.herald.it.failure.SdkDevice;
import io.herald.it.failure.SdkDevices;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedisCluster;
import io.herald.testkit.RedisClusterServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.HeraldCluster;
import io.herald.testkit.cluster.RoleOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failure suite's fault on a Redis Cluster (issue 19): the same system as {@link
 * FailureSuiteIT} — Logic, Job and two Comets as processes, SDK and goim devices, the same {@link
 * PushStream} of every delivery class — with sessions, inboxes, online reports and the registry on
 * a real Redis Cluster of three masters with a replica each ({@code mode: cluster}). Under the
 * stream the master that holds keys of some devices ({@link DoomedMaster}: an inbox, sessions; none
 * of the keys every user shares) is killed (SIGKILL) and the cluster promotes its replica.
 *
 * <p>Held to docs/operations.md ("What a failover costs") and docs/delivery.md: besides {@link
 * FaultRun}'s rules for every fault (a push answered 0 arrives per its class, stored ones exactly
 * once, no call hangs), pushes that need only the other masters — to the devices with no key on the
 * dead master, to the room, broadcasts — are answered 0 throughout; a push to the dead master's
 * users is answered 0 or -500 (retryable), never refused otherwise; no device is told of an inbox
 * reset; and every stored push answered 0 to a user whose inbox was on the dead master is in that
 * inbox afterwards, read by a new device of the user (its first SYNC reads the whole inbox). The
 * stream is never paused for the replicas to catch up: a stored push acknowledged within the
 * replication lag just before the kill would be missing (delivery.md, "Redis with older data"), and
 * this test would report it as lost.
 *
 * <p>{@code bench/run failures} runs it with {@link FailureSuiteIT}, full scale.
 */
@RealRedisCluster
@RealKafka
class FailureSuiteRedisClusterIT {
  private static final Scale SCALE = Scale.fromSystemProperty();
  private static final long FIRST_MID = 60_000;
  private static final String FAULT = "Redis Cluster master killed (SIGKILL), replica promoted";

  private HeraldCluster cluster;
  private SdkDevices devices;
  private GoimDevices goims;
  private PushStream stream;
  private final List<SdkDevice> others = new ArrayList<>();

  @AfterEach
  void stop() {
    if (stream != null) {
      stream.close();
    }
    others.forEach(SdkDevice::close);
    if (devices != null) {
      devices.close();
    }
    if (goims != null) {
      goims.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aMasterFailoverUnderAStreamOfEveryDeliveryClass(
      RedisClusterServer redis, KafkaBroker kafka) {
    long begin = System.nanoTime();
    DoomedMaster doomed =
        DoomedMaster.choose(
            redis,
            DoomedMaster.mids(FIRST_MID, SCALE.sdkDevices()),
            mid -> "fs-" + mid,
            List.of("comet-a", "comet-b"));
    cluster =
        new HeraldCluster(
            Backends.of("", kafka.bootstrapServers(), kafka.newTopic(4), kafka.newGroupId())
                .withKeyPrefix(doomed.prefix())
                .withRedisCluster(redis.uri()));
    HeraldCluster.Logic logic = cluster.logic();
    CometPorts portsOfA = CometPorts.free();
    CometPorts portsOfB = CometPorts.free();
    HeraldCluster.Comet a = cluster.comet("comet-a", logic, portsOfA, RoleOptions.DEFAULTS);
    HeraldCluster.Comet b = cluster.comet("comet-b", logic, portsOfB, RoleOptions.DEFAULTS);
    cluster.job();
    devices = SdkDevices.start(SCALE.sdkDevices(), FIRST_MID, a, b);
    goims = new GoimDevices(SCALE.goimDevices(), 61_000);
    stream =
        new PushStream(
                logic.url(""), devices.all(), goims.all(), List.of(portsOfA::tcp, portsOfB::tcp))
            .start(SCALE.period());
    FaultRun.report("system up on a Redis Cluster, stream started", FaultRun.millisSince(begin));
    FaultRun run = new FaultRun(SCALE, stream, devices);

    // Each inbox on the master holds a stored push by then, so there is something to lose.
    await()
        .atMost(FaultRun.WAIT)
        .until(() -> doomed.inboxes().stream().allMatch(mid -> !storedTo(mid).isEmpty()));
    // Awaited from the kill on, so that the promotion's time is measured while the fault is held.
    AtomicReference<CompletableFuture<RedisClusterServer.Failover>> failing =
        new AtomicReference<>();
    FaultRun.Window window =
        run.under(
            Fault.of(FAULT).healingItself(),
            () -> {
              RedisClusterServer.Failover killed = redis.killMasterOf(doomed.aKey());
              failing.set(CompletableFuture.supplyAsync(killed::awaitPromoted));
            },
            push -> true,
            () -> failing.get().join());
    RedisClusterServer.Failover failover = failing.get().join();
    assertThat(failover.killedPort()).as("the master killed").isEqualTo(doomed.port());

    List<Push> pushes = stream.pushes(FAULT);
    assertThat(pushes)
        .as("pushes that need only the other masters, answered 0 throughout")
        .filteredOn(push -> !touchesTheDeadMaster(doomed, push))
        .isNotEmpty()
        .allMatch(Push::accepted);
    assertThat(pushes)
        .as("pushes to the dead master's users, answered 0 or -500 (retryable)")
        .filteredOn(push -> touchesTheDeadMaster(doomed, push))
        .allMatch(push -> push.code() == 0 || push.code() == -500);
    long promoted = window.injected() + failover.elapsed().toNanos();
    List<Push> whileDown =
        pushes.stream()
            .filter(push -> touchesTheDeadMaster(doomed, push))
            .filter(push -> push.sentNanos() >= window.injected())
            .filter(push -> push.sentNanos() <= promoted)
            .toList();
    assertThat(whileDown).as("pushes to the dead master's users while it was down").isNotEmpty();
    assertThat(devices.all())
        .as("devices told of an inbox reset (the promoted replica lacked an inbox)")
        .allMatch(device -> device.lastResetNanos() == 0);
    int stored = assertInboxesKept(doomed, a, b);

    run.finish();
    Map<String, Integer> answers = new TreeMap<>();
    whileDown.forEach(push -> answers.merge(push.answer(), 1, Integer::sum));
    long lastRefused =
        pushes.stream()
            .filter(push -> push.code() == -500)
            .mapToLong(Push::answeredNanos)
            .max()
            .orElse(window.injected());
    System.out.printf(
        "[what happens when] Redis Cluster master %s killed -> replica promoted: %d ms; pushes to"
            + " its users meanwhile answered %s; the last -500 answered %d ms after the kill;"
            + " its inboxes held all %d stored pushes answered 0 to them%n",
        doomed,
        failover.elapsed().toMillis(),
        answers,
        (lastRefused - window.injected()) / 1_000_000,
        stored);
    System.out.printf(
        "[failures] %s run on a Redis Cluster, %d SDK + %d goim devices, a round of %d pushes every"
            + " %d ms, %d s%n%s%n",
        SCALE.name(),
        SCALE.sdkDevices(),
        SCALE.goimDevices(),
        PushKind.values().length,
        SCALE.period().toMillis(),
        FaultRun.millisSince(begin) / 1000,
        run.table());
    assertThat(run.violations()).as("what broke a documented guarantee").isEmpty();
  }

  private static boolean touchesTheDeadMaster(DoomedMaster doomed, Push push) {
    return push.kind().unicast()
        && push.targets().stream().anyMatch(target -> doomed.touches(target.receiver()));
  }

  /**
   * Starts another device of each user whose inbox was on the dead master and waits until its first
   * SYNC handed it every stored push answered 0 to that user so far; returns how many.
   */
  private int assertInboxesKept(DoomedMaster doomed, HeraldCluster.Comet a, HeraldCluster.Comet b) {
    int kept = 0;
    for (long mid : doomed.inboxes()) {
      List<Long> expected = storedTo(mid);
      kept += expected.size();
      SdkDevice reader = SdkDevice.another(mid, "fs-" + mid + "-after", a, b);
      others.add(reader);
      await()
          .atMost(FaultRun.WAIT)
          .untilAsserted(
              () ->
                  assertThat(reader.counts().keySet())
                      .as("user %d's inbox, read after the failover", mid)
                      .containsAll(expected));
    }
    return kept;
  }

  /** The stored pushes to user {@code mid} answered 0 so far. */
  private List<Long> storedTo(long mid) {
    return stream.pushes().stream()
        .filter(push -> push.kind().stored() && push.accepted())
        .filter(push -> push.targets().get(0).receiver().mid() == mid)
        .map(Push::number)
        .toList();
  }
}
