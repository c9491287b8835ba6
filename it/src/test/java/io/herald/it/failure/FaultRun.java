package io.herald.it.failure;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Causes faults one after another under a {@link PushStream} and keeps what each cost ({@link
 * FaultResult}). For each: a few rounds, the fault, its window (until enough pushes were answered
 * as the fault answers them), the heal; then it waits until every class is delivered again and
 * every device reachable again (the recovery time), and until every push of the fault that must
 * arrive did, and judges them ({@link Verdict}). The recovery time runs from the heal; for a fault
 * that {@linkplain Fault#healsItself() heals itself}, from the fault until everyone is served again
 * ({@link Verdict#servedAgainMillis}).
 */
public final class FaultRun {
  /** A generous bound for anything awaited on a loaded 2-core machine. */
  public static final Duration WAIT = Duration.ofSeconds(90);

  private final Scale scale;
  private final PushStream stream;
  private final SdkDevices devices;
  private final List<FaultResult> results = new ArrayList<>();

  public FaultRun(Scale scale, PushStream stream, SdkDevices devices) {
    this.scale = scale;
    this.stream = stream;
    this.devices = devices;
  }

  /** When a fault was in place and when healing it began ({@link System#nanoTime()}). */
  public record Window(long injected, long healed) {}

  /**
   * Runs {@code fault}: {@code inject} (the fault is in place when it returns), then, once {@code
   * duringFault} held for enough pushes sent after it, {@code heal} (returning once healed, e.g. a
   * process started again and ready).
   */
  public Window under(Fault fault, Runnable inject, Predicate<Push> duringFault, Runnable heal) {
    stream.phase(fault.name());
    int warm = stream.rounds() + scale.warmRounds();
    await().atMost(WAIT).until(() -> stream.rounds() >= warm);
    inject.run();
    long injected = System.nanoTime();
    await()
        .atMost(WAIT)
        .until(
            () ->
                stream.sentSince(injected).stream().filter(duringFault).count()
                        >= scale.faultPushes()
                    && millisSince(injected) >= scale.faultAtLeast().toMillis());
    long healed = System.nanoTime();
    heal.run();
    AtomicReference<OptionalLong> recovered = new AtomicReference<>(OptionalLong.empty());
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              recovered.set(
                  fault.healsItself()
                      ? Verdict.servedAgainMillis(
                          stream.sentSince(injected), injected, devices.all())
                      : Verdict.recoveryMillis(stream.sentSince(healed), healed));
              return recovered.get().isPresent();
            });
    devices.awaitReachedSince(stream, healed, WAIT);
    report(fault.name() + " -> every class delivered again", recovered.get().getAsLong());
    stream.phase("steady");
    results.add(settle(fault, fault.name(), recovered.get()));
    return new Window(injected, healed);
  }

  /** Stops the stream and judges the pushes sent between the faults, once they all settled. */
  public void finish() {
    stream.phase("end");
    results.add(settle(Fault.of("between the faults (healed)"), "steady", OptionalLong.empty()));
    stream.close();
  }

  public List<FaultResult> results() {
    return List.copyOf(results);
  }

  /** Every violation of a documented guarantee, of every fault. */
  public List<String> violations() {
    return results.stream().flatMap(result -> result.violations().stream()).toList();
  }

  /** The table of every fault, Markdown. */
  public String table() {
    return FaultResult.header()
        + "\n"
        + results.stream().map(FaultResult::row).collect(Collectors.joining("\n"));
  }

  /**
   * Waits (bounded) until every push of {@code phase} that must have arrived did, and judges them;
   * one still missing then is a loss.
   */
  private FaultResult settle(Fault fault, String phase, OptionalLong recovery) {
    AtomicReference<List<Push>> judged = new AtomicReference<>(stream.pushes(phase));
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                judged.set(stream.pushes(phase));
                return Verdict.settled(fault, judged.get());
              });
    } catch (ConditionTimeoutException e) {
      // judged below: what is still missing is reported as lost
    }
    FaultResult result = Verdict.judge(fault, judged.get(), recovery);
    System.out.println("[failures] " + result.row());
    return result;
  }

  public static void report(String what, long millis) {
    System.out.printf("[what happens when] %s: %d ms%n", what, millis);
  }

  public static long millisSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
  }
}
