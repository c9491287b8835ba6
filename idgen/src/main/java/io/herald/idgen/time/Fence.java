package io.herald.idgen.time;

/**
 * Tells a generator until when its worker id is its own. The holder of a worker lease moves the
 * deadline forward on each renewal; a generator issues no id whose clock reading is at or past it.
 */
@FunctionalInterface
public interface Fence {
  /** Clock milliseconds (Unix) before which ids may be issued; {@link Long#MIN_VALUE} when lost. */
  long validUntil();
}
