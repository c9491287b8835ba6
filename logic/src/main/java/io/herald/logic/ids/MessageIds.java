package io.herald.logic.ids;

/**
 * Where a push gets its message id: one per push, shared by every record of it, so clients can
 * de-duplicate and acknowledge unicast deliveries and traces can follow a push end to end.
 *
 * <p>Two sources, chosen by {@code push.messageIds.source}: {@link SnowflakeMessageIds} makes them
 * in process from a configured instance id ({@code local}, the default); {@link IdGenMessageIds}
 * takes them in blocks from the IdGen service ({@code herald.idgen.v1.IdGen}, {@code idgen}), whose
 * worker ids are leased and fenced instead of configured.
 *
 * <p>{@link #next()} runs on the push path, often on an event loop: it must never block on I/O.
 */
@FunctionalInterface
public interface MessageIds {

  /**
   * A new id, greater than 0 and never returned before by this instance. Ids grow with time (a
   * later push normally has a larger id), but callers must not rely on strict order across
   * instances, nor, for the IdGen source, across the blocks it fetches.
   *
   * @throws MessageIdsUnavailableException at once when no id can be had now (the IdGen source with
   *     an empty buffer)
   */
  long next();
}
