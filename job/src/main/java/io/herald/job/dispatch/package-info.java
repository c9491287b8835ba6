/**
 * The routing table of Job: {@link io.herald.job.dispatch.Dispatcher} takes decoded push records
 * (from Kafka, or the in-process queue of {@code herald standalone}), routes each by its type to
 * the delivery that handles it (unicast, rooms, broadcast), returns a future per record that says
 * when its delivery has ended, and runs the loop thread, the lanes and the deliveries from start to
 * stop.
 *
 * <p>Metrics: {@code herald.job.records.consumed{type}} ({@code DispatchMetrics}) and {@code
 * herald.job.calls.pending}.
 */
package io.herald.job.dispatch;
