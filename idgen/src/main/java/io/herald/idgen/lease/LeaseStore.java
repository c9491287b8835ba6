package io.herald.idgen.lease;

import java.time.Duration;
import java.util.Optional;

/**
 * Where worker-id leases live: Redis ({@link RedisLeaseStore}) or the id database ({@link
 * JdbcLeaseStore}). Each worker id of a pool has at most one live lease; with it the store keeps a
 * high-water mark, the latest clock time its holders may have used, which outlives the lease.
 *
 * <p>Every method throws {@link LeaseStoreException} when the store cannot be reached.
 */
public interface LeaseStore {
  /**
   * Takes a worker id of {@code pool} in {@code [0, workers)} that is free or whose lease expired,
   * lowest first.
   *
   * @param ttl how long the lease lives without renewal
   * @param highWater raises the worker's high-water mark to at least this
   * @return the lease, carrying the high-water mark from before, or empty when all are held
   */
  Optional<Lease> acquire(String pool, int workers, String holder, Duration ttl, long highWater);

  /**
   * Extends a lease still held under its token and raises its high-water mark.
   *
   * @return false if the lease expired or was taken by another holder
   */
  boolean renew(Lease lease, Duration ttl, long highWater);

  /** Frees a lease still held under its token, setting the high-water mark to exactly this. */
  void release(Lease lease, long highWater);
}
