package dev.parley.chat.bench.load;

import com.google.gson.JsonObject;

/**
 * Whether a memory series sampled during a soak is flat: the least-squares slope of the samples in
 * the second half of the run (by time), as growth per ten minutes, is at most the larger of {@code
 * percentPer10Min} percent of their mean and {@code floorBytesPer10Min}. The first half is left out
 * because a server fills bounded structures as load begins (room histories, the JIT's code, the
 * recovery table of dropped Socket.IO clients, allocator pools): growth that stops is no leak. The
 * floor keeps the steps in which pools grow (whole chunks of direct memory) from failing a small
 * series. A pure function of its input.
 */
final class Flatness {
  private Flatness() {}

  /** The fewest samples in the second half that make a slope worth judging. */
  static final int MIN_SAMPLES = 4;

  /**
   * The verdict on one series.
   *
   * @param samples samples in the second half
   * @param mean their mean, bytes
   * @param slopePer10Min least-squares growth per ten minutes, bytes (negative: shrinking)
   * @param boundPer10Min the most growth per ten minutes that counts as flat, bytes
   * @param flat whether the slope is within the bound (false with fewer than {@link #MIN_SAMPLES})
   */
  record Verdict(int samples, double mean, double slopePer10Min, double boundPer10Min, boolean flat) {
    JsonObject json() {
      JsonObject o = new JsonObject();
      o.addProperty("samples", samples);
      o.addProperty("meanBytes", mean);
      o.addProperty("slopeBytesPer10Min", slopePer10Min);
      o.addProperty("boundBytesPer10Min", boundPer10Min);
      o.addProperty("flat", flat);
      if (samples < MIN_SAMPLES) {
        o.addProperty("why", "fewer than " + MIN_SAMPLES + " samples in the second half: run longer or sample more often");
      }
      return o;
    }
  }

  /**
   * Judges the series {@code values} sampled at {@code seconds} (ascending, the same length).
   *
   * @param percentPer10Min growth allowed per ten minutes, in percent of the second half's mean
   * @param floorBytesPer10Min growth always allowed per ten minutes, bytes
   */
  static Verdict check(double[] seconds, double[] values, double percentPer10Min, double floorBytesPer10Min) {
    if (seconds.length != values.length) {
      throw new IllegalArgumentException(seconds.length + " times for " + values.length + " values");
    }
    int n = seconds.length;
    if (n == 0) {
      return new Verdict(0, 0, 0, floorBytesPer10Min, false);
    }
    double middle = (seconds[0] + seconds[n - 1]) / 2;
    int count = 0;
    double mt = 0;
    double mv = 0;
    for (int i = 0; i < n; i++) {
      if (seconds[i] >= middle) {
        count++;
        mt += seconds[i];
        mv += values[i];
      }
    }
    mt /= count;
    mv /= count;
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      if (seconds[i] >= middle) {
        num += (seconds[i] - mt) * (values[i] - mv);
        den += (seconds[i] - mt) * (seconds[i] - mt);
      }
    }
    double slope = den == 0 ? 0 : num / den * 600;
    double bound = Math.max(percentPer10Min / 100 * mv, floorBytesPer10Min);
    return new Verdict(count, mv, slope, bound, count >= MIN_SAMPLES && slope <= bound);
  }
}
