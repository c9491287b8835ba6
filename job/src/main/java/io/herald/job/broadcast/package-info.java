/**
 * Broadcast records: {@link io.herald.job.broadcast.BroadcastDelivery} calls {@code Broadcast} on
 * every registered Comet, UP or DRAINING, through their lanes, with the record's speed (connections
 * per second for the whole cluster) split among them in proportion to the connections each reported
 * ({@code BroadcastSpeeds}), so they all finish at about the same time.
 */
package io.herald.job.broadcast;
