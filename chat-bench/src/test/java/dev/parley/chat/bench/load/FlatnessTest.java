package dev.parley.chat.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FlatnessTest {
  private static final double MIB = 1 << 20;

  /** Samples every 30 s for 30 minutes: {@code base + perMinute * minutes}, plus {@code wobble}. */
  private static double[][] series(double base, double perMinute, double[] wobble) {
    int n = 61;
    double[] t = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i * 30;
      v[i] = base + perMinute * t[i] / 60 + wobble[i % wobble.length];
    }
    return new double[][] {t, v};
  }

  @Test
  void aLevelSeriesThatWobblesIsFlat() {
    double[][] s = series(100 * MIB, 0, new double[] {0, 300_000, -200_000, 100_000});

    Flatness.Verdict v = Flatness.check(s[0], s[1], 1, MIB);

    assertThat(v.flat()).isTrue();
    assertThat(v.samples()).isEqualTo(31);
    assertThat(v.mean()).isCloseTo(100 * MIB, within(0.1 * MIB));
    assertThat(v.boundPer10Min()).isCloseTo(0.01 * v.mean(), within(1.0));
  }

  @Test
  void steadyGrowthAboveThePercentBoundIsNotFlat() {
    // 200 MB growing 0.5 MiB a minute: 5 MiB per ten minutes, against 1% of ~210 MiB.
    double[][] s = series(200 * MIB, 0.5 * MIB, new double[] {0});

    Flatness.Verdict v = Flatness.check(s[0], s[1], 1, MIB);

    assertThat(v.slopePer10Min()).isCloseTo(5 * MIB, within(1.0));
    assertThat(v.boundPer10Min()).isCloseTo(0.01 * v.mean(), within(1.0));
    assertThat(v.flat()).isFalse();
  }

  @Test
  void growthInTheFirstHalfOnlyIsNoLeak() {
    // Fills up (a room history, a recovery table) for ten minutes, then holds.
    int n = 61;
    double[] t = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i * 30;
      v[i] = 100 * MIB + Math.min(t[i], 600) * 50_000;
    }

    assertThat(Flatness.check(t, v, 1, MIB).flat()).isTrue();
    assertThat(Flatness.check(t, v, 1, MIB).slopePer10Min()).isCloseTo(0, within(1e-6));
  }

  @Test
  void theFloorAllowsASmallSeriesItsPoolSteps() {
    // 8 MiB of direct memory growing 0.5 MiB per ten minutes: 6% of the mean, under the 1 MiB floor.
    double[][] s = series(8 * MIB, 0.05 * MIB, new double[] {0});

    assertThat(Flatness.check(s[0], s[1], 1, MIB).flat()).isTrue();
    assertThat(Flatness.check(s[0], s[1], 1, 0).flat()).isFalse();
  }

  @Test
  void shrinkingIsFlat() {
    double[][] s = series(100 * MIB, -MIB, new double[] {0});

    assertThat(Flatness.check(s[0], s[1], 1, MIB).flat()).isTrue();
  }

  @Test
  void tooFewSamplesInTheSecondHalfAreNoVerdict() {
    double[] t = {0, 60, 120, 180, 240};
    double[] v = {MIB, MIB, MIB, MIB, MIB};

    Flatness.Verdict verdict = Flatness.check(t, v, 1, MIB);

    assertThat(verdict.samples()).isEqualTo(3);
    assertThat(verdict.flat()).isFalse();
    assertThat(verdict.json().has("why")).isTrue();
    assertThat(Flatness.check(new double[0], new double[0], 1, MIB).flat()).isFalse();
  }
}
