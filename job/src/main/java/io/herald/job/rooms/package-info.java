/**
 * Room records: merged per room into batches and sent with {@code BroadcastRoom} to the Comets the
 * records name.
 *
 * <ul>
 *   <li>{@code RoomBatcher} merges a room's messages, in order, into {@code RoomBatch}es closed by
 *       count, bytes or window (pure, on an injected clock).
 *   <li>{@link io.herald.job.rooms.RoomDelivery} feeds it, flushes the batches when due and sends
 *       each through the Comet lanes to every Comet its records name (every registered Comet when
 *       one names none), waiting for a named Comet not registered yet.
 * </ul>
 *
 * <p>Metrics ({@link io.herald.job.rooms.RoomMetrics}): {@code herald.job.room.batch.messages},
 * {@code herald.job.room.batch.bytes}, {@code herald.job.room.skipped}.
 */
package io.herald.job.rooms;
