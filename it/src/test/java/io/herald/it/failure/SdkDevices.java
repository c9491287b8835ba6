package io.herald.it.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.testkit.cluster.HeraldCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The suite's SDK devices: half walk Comet A then B, half B then A, so both Comets hold devices.
 */
public final class SdkDevices implements AutoCloseable {
  private final List<SdkDevice> devices;

  private SdkDevices(List<SdkDevice> devices) {
    this.devices = List.copyOf(devices);
  }

  /** Starts {@code count} devices, mids from {@code firstMid}, and waits until each connected. */
  public static SdkDevices start(
      int count, long firstMid, HeraldCluster.Comet a, HeraldCluster.Comet b) {
    List<SdkDevice> devices = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        SdkDevice device =
            i % 2 == 0 ? new SdkDevice(firstMid + i, a, b) : new SdkDevice(firstMid + i, b, a);
        devices.add(device);
        device.started();
      }
    } catch (RuntimeException e) {
      devices.forEach(SdkDevice::close);
      throw e;
    }
    return new SdkDevices(devices);
  }

  public List<SdkDevice> all() {
    return devices;
  }

  /** Each device's connection now ({@link Receiver#connection()}). */
  public Map<Receiver, Integer> connections() {
    Map<Receiver, Integer> connections = new LinkedHashMap<>();
    devices.forEach(device -> connections.put(device, device.connection()));
    return connections;
  }

  /** The devices that hold a position in an inbox now (an epoch, a sequence above 0). */
  public List<SdkDevice> holdingAnInbox() {
    return devices.stream()
        .filter(
            device ->
                device.inboxPosition().map(at -> at.epoch() != 0 && at.seq() > 0).orElse(false))
        .toList();
  }

  /**
   * Waits until each of {@code holding} was told of an inbox reset after {@code nanos} (a device
   * that held no position has nothing to be told: its next SYNC is a first one).
   */
  public static void awaitResetSince(List<SdkDevice> holding, long nanos, Duration wait) {
    assertThat(holding).as("devices holding an inbox position before the fault").isNotEmpty();
    await()
        .atMost(wait)
        .untilAsserted(
            () ->
                assertThat(holding)
                    .as("devices told of a reset (their inbox's epoch changed)")
                    .allMatch(device -> device.lastResetNanos() > nanos));
  }

  /**
   * Waits until every device got a push to it (by mid or key) sent after {@code nanos} and answered
   * 0 without naming it offline: every user reachable again.
   */
  public void awaitReachedSince(PushStream stream, long nanos, Duration wait) {
    await()
        .atMost(wait)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              List<Push> since = stream.sentSince(nanos);
              assertThat(devices)
                  .as("devices reached by a push sent after the fault was healed")
                  .allMatch(device -> reached(device, since));
            });
  }

  private static boolean reached(SdkDevice device, List<Push> pushes) {
    Map<Long, Integer> counts = device.counts();
    return pushes.stream()
        .anyMatch(
            push ->
                push.accepted()
                    && push.kind().unicast()
                    && !push.offline(device)
                    && push.targets().stream().anyMatch(t -> t.receiver() == device)
                    && counts.containsKey(push.number()));
  }

  @Override
  public void close() {
    devices.forEach(SdkDevice::close);
  }
}
