package io.herald.logic;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Logs whether a service Logic calls (a webhook) answers: the first failure after a success at
 * WARN, the failures after it at DEBUG, and the recovery at INFO — one line per change, not per
 * call.
 */
public final class Reachability {
  private final Logger log;
  private final String service;
  private final AtomicBoolean reachable = new AtomicBoolean(true);

  /**
   * @param service names it in the log, e.g. {@code "Auth webhook http://..."}
   */
  public Reachability(Logger log, String service) {
    this.log = log;
    this.service = service;
  }

  /** The service answered. */
  public void answered() {
    if (reachable.compareAndSet(false, true)) {
      log.info("{} answers again", service);
    }
  }

  /** The service could not answer, for {@code why}. */
  public void failed(String why) {
    if (reachable.compareAndSet(true, false)) {
      log.warn("{} unavailable: {}", service, why);
    } else {
      log.debug("{} unavailable: {}", service, why);
    }
  }
}
