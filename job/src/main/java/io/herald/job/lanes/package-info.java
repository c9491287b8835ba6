/**
 * Calls to Comets and how they end: one ordered, retried lane of gRPC calls per Comet.
 *
 * <ul>
 *   <li>{@link io.herald.job.lanes.CometLanes} sends each Comet's {@link
 *       io.herald.job.lanes.CometCall calls} one at a time in submission order, retrying transient
 *       failures ({@code RetryPolicy}) over one gRPC channel per Comet ({@code CometChannels}), and
 *       holds work for a Comet this Job does not see registered yet ({@code RegistryWaits}).
 *   <li>Each call ends with an {@link io.herald.job.lanes.Outcome}; {@link
 *       io.herald.job.lanes.RecordCompletion} ends the records the calls were for: normally, or
 *       with {@link io.herald.job.lanes.DispatcherStoppedException} when Job stopped first.
 * </ul>
 *
 * <p>Everything runs on the dispatcher's loop thread. Metrics ({@link
 * io.herald.job.lanes.LaneMetrics}): {@code herald.job.fanout{call,result}}, {@code
 * herald.job.fanout.retries{call}}, {@code herald.job.delivery.latency{call}}.
 */
package io.herald.job.lanes;
