package io.herald.client;

import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's heartbeats: after the adaptive interval, send op 2; its reply (op 3, same seq)
 * within the reply timeout is a success and the next heartbeat follows the (possibly longer)
 * interval; no reply is a failure: the interval shrinks for good and the connection is given up.
 * Confined to the connection's event loop.
 */
final class HeartbeatTimer {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatTimer.class);

  private final AdaptiveHeartbeat adaptive;
  private final ClientScheduler scheduler;
  private final IntSupplier send;
  private final Runnable missed;
  private ClientScheduler.Cancellable timer;
  private int waitingSeq;
  private boolean stopped;

  /**
   * @param send writes a heartbeat and returns its seq
   * @param missed called once when a reply does not come in time
   */
  HeartbeatTimer(
      AdaptiveHeartbeat adaptive, ClientScheduler scheduler, IntSupplier send, Runnable missed) {
    this.adaptive = adaptive;
    this.scheduler = scheduler;
    this.send = send;
    this.missed = missed;
  }

  /** Schedules the first heartbeat one interval from now. */
  void start() {
    scheduleNext();
  }

  /**
   * A heartbeat reply with {@code seq}; returns whether it answers the heartbeat in flight (a late
   * or foreign reply changes nothing).
   */
  boolean replied(int seq) {
    if (stopped || waitingSeq == 0 || seq != waitingSeq) {
      return false;
    }
    waitingSeq = 0;
    timer.cancel();
    adaptive.succeeded();
    log.debug("Heartbeat answered; next in {}", adaptive.current());
    scheduleNext();
    return true;
  }

  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel();
    }
  }

  /** Sends a heartbeat now and waits for its reply. */
  private void beat() {
    if (stopped) {
      return;
    }
    waitingSeq = send.getAsInt();
    timer = scheduler.schedule(this::timedOut, adaptive.policy().replyTimeout());
  }

  private void scheduleNext() {
    if (!stopped) {
      timer = scheduler.schedule(this::beat, adaptive.current());
    }
  }

  private void timedOut() {
    if (stopped || waitingSeq == 0) {
      return;
    }
    stopped = true;
    adaptive.failed();
    log.info("Heartbeat unanswered; interval now {} (settled)", adaptive.current());
    missed.run();
  }
}
