package io.herald.comet.session;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out connection ids, unique among the connections of one Comet process: with the Comet's
 * server id and epoch an id names one connection cluster-wide. An int, so that {@link Connection}
 * does not grow; it wraps after 2^32 connections, long after any two connections of one device key
 * could both still be open. Never 0 (Logic refuses 0). Safe from any thread.
 */
public final class ConnectionIds {
  private final AtomicInteger last = new AtomicInteger();

  /** The next id. */
  public int next() {
    int id = last.incrementAndGet();
    return id != 0 ? id : last.incrementAndGet();
  }
}
