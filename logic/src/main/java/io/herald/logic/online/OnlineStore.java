package io.herald.logic.online;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where every Logic instance puts the Comets' online reports and reads all of them back, so any
 * instance can answer cluster-wide counts. A report expires unless renewed (a Comet reports every
 * 10 s by default), so a dead Comet's rooms stop counting. Implementations: Redis and in-memory.
 */
public interface OnlineStore {

  /** Stores {@code online} as its Comet's current report, replacing the previous one. */
  CompletableFuture<Void> report(ServerOnline online);

  /** The current report of every Comet whose report has not expired. */
  CompletableFuture<List<ServerOnline>> all();
}
