package io.herald.idgen.lease;

/**
 * A worker id held by one holder.
 *
 * @param pool which id space, e.g. {@code snowflake} (each layout has its own)
 * @param worker the worker id
 * @param holder who holds it (host, process and a random part)
 * @param token a fencing token, larger for every acquisition of the pool; renewals and releases
 *     name it, so a holder whose lease was taken over cannot renew the new holder's
 * @param previousHighWater the high-water mark the worker id carried when acquired: every id made
 *     with it so far has a clock time at or below this (Unix ms)
 */
public record Lease(String pool, int worker, String holder, long token, long previousHighWater) {}
