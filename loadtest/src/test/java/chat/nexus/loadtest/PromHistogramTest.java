package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromHistogramTest {

  private static String scrape(long b1, long b2, long inf) {
    return "# HELP x_seconds a timer\n# TYPE x_seconds histogram\n"
        + "x_seconds_bucket{le=\"0.001\"} "
        + b1
        + "\n"
        + "x_seconds_bucket{le=\"0.002\"} "
        + b2
        + "\n"
        + "x_seconds_bucket{le=\"+Inf\"} "
        + inf
        + "\n"
        + "x_seconds_count "
        + inf
        + "\nother_bucket{le=\"1.0\"} 99\n";
  }

  @Test
  void percentilesAreBucketBoundsOfTheDifference() {
    PromHistogram before = PromHistogram.parse(scrape(10, 10, 10), "x_seconds");
    PromHistogram after = PromHistogram.parse(scrape(108, 110, 110), "x_seconds");
    PromHistogram d = after.minus(before);
    assertThat(d.count()).isEqualTo(100);
    assertThat(d.percentile(50)).isEqualTo(0.001);
    assertThat(d.percentile(99)).isEqualTo(0.002);
    assertThat(PromHistogram.parse(scrape(0, 0, 5), "x_seconds").percentile(99)).isInfinite();
  }

  @Test
  void twoServersTimersAddUp() {
    PromHistogram one = PromHistogram.parse(scrape(90, 100, 100), "x_seconds");
    PromHistogram two = PromHistogram.parse(scrape(0, 0, 100), "x_seconds");
    PromHistogram both = one.plus(two);
    assertThat(both.count()).isEqualTo(200);
    assertThat(both.percentile(45)).isEqualTo(0.001);
    assertThat(both.percentile(50)).isEqualTo(0.002);
    assertThat(both.percentile(99)).isInfinite();
  }

  @Test
  void aMissingHistogramIsEmpty() {
    assertThat(PromHistogram.parse("nothing here\n", "x_seconds").count()).isZero();
    assertThat(PromHistogram.parse("", "x_seconds").percentile(99)).isNaN();
  }
}
