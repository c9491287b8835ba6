package io.herald.comet.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the write path counts. Both counters count frames (an op-9 batch of three frames to one
 * member counts three), so for the connections that accept a push, {@code pushes + dropped} is what
 * was addressed. Ops a connection does not accept are filtered, not dropped, and not counted. Tag
 * values are bounded: the enums below. Counters are looked up by name, so any number of holders may
 * share one registry. No base unit is set, so Prometheus names stay {@code
 * herald_comet_pushes_total} and {@code herald_comet_push_dropped_total}.
 */
final class WriteMetrics {
  static final String PUSHES = "herald.comet.pushes";
  static final String DROPPED = "herald.comet.push.dropped";

  /** How a push was addressed: the {@code kind} tag of {@value #PUSHES}. */
  enum Kind {
    KEYS("keys"),
    ROOM("room"),
    BROADCAST("broadcast");

    final String tag;

    Kind(String tag) {
      this.tag = tag;
    }
  }

  /** Why a push was not written: the {@code reason} tag of {@value #DROPPED}. */
  enum DropReason {
    /** The channel's outbound queue is above its high watermark (a slow consumer). */
    UNWRITABLE("unwritable"),
    /** The channel closed between the lookup and the write. */
    CLOSED("closed"),
    /** A paced broadcast's scheduler shut down (the Comet is stopping) before it finished. */
    STOPPED("stopped");

    final String tag;

    DropReason(String tag) {
      this.tag = tag;
    }
  }

  private final Map<Kind, Counter> pushes = new EnumMap<>(Kind.class);
  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);

  WriteMetrics(MeterRegistry registry) {
    for (Kind kind : Kind.values()) {
      pushes.put(
          kind,
          Counter.builder(PUSHES)
              .description("Frames handed to client channels, by how they were addressed")
              .tag("kind", kind.tag)
              .register(registry));
    }
    for (DropReason reason : DropReason.values()) {
      dropped.put(
          reason,
          Counter.builder(DROPPED)
              .description("Frames not written to a client channel, by reason")
              .tag("reason", reason.tag)
              .register(registry));
    }
  }

  void pushed(Kind kind, int frames) {
    pushes.get(kind).increment(frames);
  }

  void dropped(DropReason reason, long frames) {
    dropped.get(reason).increment((double) frames);
  }
}
