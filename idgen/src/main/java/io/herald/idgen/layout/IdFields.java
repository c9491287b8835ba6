package io.herald.idgen.layout;

/**
 * A time-based id taken apart.
 *
 * @param unixMillis when it was made, ms since the Unix epoch (at the layout's resolution)
 * @param worker the worker (machine) id that made it
 * @param sequence its place within its time unit
 */
public record IdFields(long unixMillis, int worker, int sequence) {

  /** Decodes {@code id} under {@code layout} with its custom epoch ({@code epochMillis}, Unix). */
  public static IdFields of(BitLayout layout, long epochMillis, long id) {
    if (id <= 0) {
      throw new IllegalArgumentException("id: " + id + " (expected: > 0)");
    }
    return new IdFields(
        epochMillis + layout.timeOf(id) * layout.unitMillis(),
        layout.workerOf(id),
        layout.sequenceOf(id));
  }
}
