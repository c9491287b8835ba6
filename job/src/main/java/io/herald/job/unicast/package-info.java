/**
 * Unicast records (by keys or mids): {@link io.herald.job.unicast.UnicastDelivery} sends a record's
 * keys with {@code PushMsg} to the one Comet it names, through that Comet's lane, waiting for a
 * Comet not registered yet up to {@code delivery.unknownCometGrace}. A record its Comet did not
 * take is counted undeliverable and skipped.
 *
 * <p>Metrics ({@link io.herald.job.unicast.UnicastMetrics}): {@code
 * herald.job.undeliverable{reason=comet_gone|rejected|gave_up}}, {@code herald.job.keys.absent}.
 */
package io.herald.job.unicast;
