package io.herald.bench.report;

/**
 * Whether a series measured over a run stays flat: a least-squares line through its samples in the
 * second half of the run (the first half holds the warm-up: JIT, pools filling, heaps settling),
 * and the growth that line predicts over that half, against a tolerance.
 *
 * @param start the first sample
 * @param end the last sample
 * @param slopePerHour the fitted line's slope, in the series' unit per hour
 * @param growth the fitted line's rise over the second half (slope × its duration)
 * @param tolerance the largest {@code |growth|} that counts as flat
 * @param flat whether {@code |growth| <= tolerance}
 */
public record Trend(
    double start, double end, double slopePerHour, double growth, double tolerance, boolean flat) {

  /** Whether the series grows: its second-half growth is above the tolerance (a leak's sign). */
  public boolean growing() {
    return growth > tolerance;
  }

  /**
   * {@code flat}, {@code falling} (down by more than the tolerance: no leak) or {@code GROWING}.
   */
  public String verdict() {
    return flat ? "flat" : growing() ? "GROWING" : "falling";
  }

  /**
   * The trend of {@code values} sampled at {@code seconds} (ascending, at least two): flat when the
   * second half's fitted growth is at most {@code relative} of that half's mean, or {@code
   * absolute}, whichever is larger.
   */
  public static Trend of(double[] seconds, double[] values, double relative, double absolute) {
    if (seconds.length != values.length || seconds.length < 2) {
      throw new IllegalArgumentException(
          seconds.length + " times, " + values.length + " values (expected: the same, >= 2)");
    }
    int n = seconds.length;
    double middle = (seconds[0] + seconds[n - 1]) / 2;
    int from = 0;
    while (from < n - 2 && seconds[from] < middle) {
      from++;
    }
    double meanT = 0;
    double meanY = 0;
    for (int i = from; i < n; i++) {
      meanT += seconds[i];
      meanY += values[i];
    }
    int count = n - from;
    meanT /= count;
    meanY /= count;
    double covariance = 0;
    double variance = 0;
    for (int i = from; i < n; i++) {
      covariance += (seconds[i] - meanT) * (values[i] - meanY);
      variance += (seconds[i] - meanT) * (seconds[i] - meanT);
    }
    double slope = variance == 0 ? 0 : covariance / variance;
    double growth = slope * (seconds[n - 1] - seconds[from]);
    double tolerance = Math.max(relative * Math.abs(meanY), absolute);
    return new Trend(
        values[0], values[n - 1], slope * 3600, growth, tolerance, Math.abs(growth) <= tolerance);
  }
}
