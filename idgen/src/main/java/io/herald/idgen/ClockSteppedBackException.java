package io.herald.idgen;

/**
 * The clock is further behind the last issued id's time than the generator may wait out; ids are
 * refused until it catches up (gRPC FAILED_PRECONDITION, HTTP 503), never duplicated. Stackless: it
 * can be thrown for every request while the clock is behind.
 */
public final class ClockSteppedBackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClockSteppedBackException(String message) {
    super(message, null, false, false);
  }
}
