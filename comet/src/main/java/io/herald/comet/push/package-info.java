/**
 * The Comet's write path: how pushes reach client channels.
 *
 * <ul>
 *   <li>{@link io.herald.comet.push.Pusher} writes to device keys, a room's members, or every
 *       connection. A push is encoded once per protocol version and every recipient of that version
 *       gets a retained duplicate of the same buffer: no per-recipient copy. Several room frames
 *       travel as one op-9 batch (the batch body on TCP, one op-9 message on WebSocket).
 *   <li>Filtering: a connection gets only the ops it accepts. In a room batch, members accepting
 *       every op share the batch; one accepting some gets an encoding of those (shared with the
 *       members accepting the same subset); one accepting none is skipped. Filtered frames are not
 *       drops and are not counted.
 *   <li>Slow consumers: a push to a channel whose queue has no room is dropped and counted; the
 *       transport's per-channel handler closes a channel that stays unwritable past {@code
 *       outbound.maxUnwritable}.
 *   <li>Pacing: a broadcast with a speed writes at most that many connections per second, in chunks
 *       on a scheduler, after the call returns; broadcasts are independent of each other.
 * </ul>
 *
 * <p>Delivery is best-effort: a returned call means the frames were queued to the channels.
 *
 * <p>Metrics: {@code herald.comet.pushes{kind=keys|room|broadcast}} and {@code
 * herald.comet.push.dropped{reason=unwritable|closed|stopped}} count frames ({@link
 * io.herald.comet.push.WriteMetrics}).
 */
package io.herald.comet.push;
