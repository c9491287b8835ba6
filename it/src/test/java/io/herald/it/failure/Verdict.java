package io.herald.it.failure;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Weighs what a fault's pushes did against docs/delivery.md, push by push and device by device:
 *
 * <ul>
 *   <li>every call is answered within {@link PushStream#CALL_TIMEOUT} (never a hang), with code 0,
 *       -500, or no connection while Logic is down;
 *   <li>a stored push (stored, notify) answered 0 reaches each target device's application exactly
 *       once — pulled by SYNC when it missed the frame — unless the fault lost Redis's data and the
 *       device was told of a reset after the push ({@link Fault#inboxLost});
 *   <li>an acked or best-effort push answered 0 (unicast, room, broadcast) reaches each target that
 *       was connected when it was sent and still holds that connection, unless the answer named it
 *       offline (or, for a room or broadcast push, Redis lost its data: {@link Fault#inboxLost});
 *       an acked one at most once at the application; a best-effort one may come again (at least
 *       once from Kafka to the Comet: Job retries a record), which is counted.
 * </ul>
 *
 * A push answered with an error may still arrive (docs/api.md: some records may have been queued; a
 * stored push refused while Kafka is down may be in the inbox): that is counted, not a violation.
 */
public final class Verdict {
  private Verdict() {}

  /** What {@code pushes} (the fault's) did, with every violation of the rules above. */
  public static FaultResult judge(Fault fault, List<Push> pushes, OptionalLong recoveryMillis) {
    Map<PushKind, Integer> sent = new EnumMap<>(PushKind.class);
    Map<PushKind, Integer> accepted = new EnumMap<>(PushKind.class);
    Map<PushKind, Integer> lost = new EnumMap<>(PushKind.class);
    Map<PushKind, Integer> excused = new EnumMap<>(PushKind.class);
    Map<PushKind, Integer> duplicates = new EnumMap<>(PushKind.class);
    Map<PushKind, Integer> refusedButDelivered = new EnumMap<>(PushKind.class);
    Map<String, Integer> answers = new TreeMap<>();
    List<String> violations = new ArrayList<>();
    Map<Receiver, Map<Long, Integer>> counts = new HashMap<>();
    long slowest = 0;

    for (Push push : pushes) {
      PushKind kind = push.kind();
      sent.merge(kind, 1, Integer::sum);
      answers.merge(push.answer(), 1, Integer::sum);
      slowest = Math.max(slowest, push.callMillis());
      if (push.code() == Push.TIMEOUT
          || !(push.code() == 0 || push.code() == -500 || push.code() == Push.REFUSED)) {
        violations.add(
            fault.name()
                + ": push "
                + push.number()
                + " ("
                + kind.label()
                + ") answered "
                + push.answer()
                + " after "
                + push.callMillis()
                + " ms: "
                + push.message());
      }
      for (Push.Target target : push.targets()) {
        Receiver receiver = target.receiver();
        int times =
            counts.computeIfAbsent(receiver, Receiver::counts).getOrDefault(push.number(), 0);
        if (!push.accepted()) {
          if (times > 0) {
            refusedButDelivered.merge(kind, 1, Integer::sum);
          }
          continue;
        }
        accepted.merge(kind, 1, Integer::sum);
        if (times == 0) {
          String excuse = excuse(fault, push, target);
          if (excuse.isEmpty()) {
            lost.merge(kind, 1, Integer::sum);
            violations.add(
                fault.name()
                    + ": "
                    + kind.label()
                    + " push "
                    + push.number()
                    + " answered 0 never reached "
                    + receiver.name());
          } else {
            excused.merge(kind, 1, Integer::sum);
          }
        } else if (times > 1) {
          duplicates.merge(kind, times - 1, Integer::sum);
          if (kind.exactlyOnceAtTheApplication()) {
            violations.add(
                fault.name()
                    + ": "
                    + kind.label()
                    + " push "
                    + push.number()
                    + " handed to "
                    + receiver.name()
                    + " "
                    + times
                    + " times");
          }
        }
      }
    }
    return new FaultResult(
        fault,
        sent,
        accepted,
        answers,
        slowest,
        lost,
        excused,
        duplicates,
        refusedButDelivered,
        recoveryMillis,
        violations);
  }

  /** Why an accepted push may be missing at {@code target} ({@code ""}: it may not). */
  private static String excuse(Fault fault, Push push, Push.Target target) {
    Receiver receiver = target.receiver();
    if (push.kind().stored()) {
      return fault.inboxLost() && receiver.lastResetNanos() > push.sentNanos()
          ? "the inbox was lost and the device told of a reset"
          : "";
    }
    if (push.offline(receiver)) {
      return "answered offline";
    }
    if (fault.inboxLost() && !push.kind().unicast()) {
      return "the registry was lost with Redis's data: no Comet known until they re-announce";
    }
    if (target.connection() < 0) {
      return "not connected when sent";
    }
    if (receiver.connection() != target.connection()) {
      return "the connection it was sent while is gone";
    }
    return "";
  }

  /** Whether every accepted push of {@code pushes} reached every device it must reach by now. */
  public static boolean settled(Fault fault, List<Push> pushes) {
    return judge(fault, pushes, OptionalLong.empty()).lost().isEmpty();
  }

  /**
   * How long after {@code faultNanos} the system served everyone again, for a fault that hurts some
   * users only (a cluster master's): until, after the last push answered with an error, a push of
   * every class ({@link #recoveryMillis}) and one to every device in {@code devices} was answered 0
   * and delivered; empty until then.
   */
  public static OptionalLong servedAgainMillis(
      List<Push> sinceFault, long faultNanos, List<? extends Receiver> devices) {
    int lastError = -1;
    for (int i = 0; i < sinceFault.size(); i++) {
      if (!sinceFault.get(i).accepted()) {
        lastError = i;
      }
    }
    List<Push> after = sinceFault.subList(lastError + 1, sinceFault.size());
    OptionalLong classes = recoveryMillis(after, faultNanos);
    if (classes.isEmpty()) {
      return classes;
    }
    long latest = classes.getAsLong();
    for (Receiver device : devices) {
      Map<Long, Long> seen = device.firstSeen();
      OptionalLong reached =
          after.stream()
              .filter(push -> !push.offline(device))
              .filter(push -> push.targets().stream().anyMatch(t -> t.receiver() == device))
              .mapToLong(push -> seen.getOrDefault(push.number(), 0L))
              .filter(at -> at > 0)
              .findFirst();
      if (reached.isEmpty()) {
        return OptionalLong.empty();
      }
      latest = Math.max(latest, (reached.getAsLong() - faultNanos) / 1_000_000);
    }
    return OptionalLong.of(latest);
  }

  /**
   * How long after {@code healedNanos} the system delivered every class again: for each class, the
   * first push sent after it that was answered 0 and reached every device it was for (by its SDK
   * devices' clocks); the latest of those, or empty while a class has none.
   */
  public static OptionalLong recoveryMillis(List<Push> sinceHealed, long healedNanos) {
    Map<PushKind, Long> recovered = new EnumMap<>(PushKind.class);
    Map<Receiver, Map<Long, Long>> seen = new HashMap<>();
    for (Push push : sinceHealed) {
      if (!push.accepted() || recovered.containsKey(push.kind())) {
        continue;
      }
      long last = 0;
      boolean everywhere = true;
      for (Push.Target target : push.targets()) {
        Receiver receiver = target.receiver();
        if (!receiver.sdk()) {
          continue;
        }
        Long at = seen.computeIfAbsent(receiver, Receiver::firstSeen).get(push.number());
        if (at == null) {
          everywhere = false;
          break;
        }
        last = Math.max(last, at);
      }
      if (everywhere && last > 0) {
        recovered.put(push.kind(), last);
      }
    }
    if (recovered.size() < PushKind.values().length) {
      return OptionalLong.empty();
    }
    long latest = recovered.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    return OptionalLong.of(Math.max(0, (latest - healedNanos) / 1_000_000));
  }
}
