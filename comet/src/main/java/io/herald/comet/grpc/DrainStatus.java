package io.herald.comet.grpc;

import java.time.Instant;

/**
 * Where a drain stands when it is asked for.
 *
 * @param connections connections open when draining started
 * @param deadline when the remaining connections are closed
 * @param alreadyDraining whether an earlier request started it (whose deadline is kept)
 */
public record DrainStatus(long connections, Instant deadline, boolean alreadyDraining) {}
