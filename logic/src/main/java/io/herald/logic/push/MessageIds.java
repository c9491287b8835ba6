package io.herald.logic.push;

/**
 * Where a push gets its message id: one per push, shared by every record of it, so clients can
 * de-duplicate and acknowledge unicast deliveries and traces can follow a push end to end.
 *
 * <p>Today {@link SnowflakeMessageIds} makes them locally; the IdGen service ({@code
 * herald.idgen.v1.IdGen}) will supply them behind this same interface, with leased, fenced worker
 * ids instead of a configured instance id.
 */
@FunctionalInterface
public interface MessageIds {

  /**
   * A new id, greater than 0 and never returned before by this instance. Ids grow with time (a
   * later push normally has a larger id), but callers must not rely on strict order across
   * instances.
   */
  long next();
}
