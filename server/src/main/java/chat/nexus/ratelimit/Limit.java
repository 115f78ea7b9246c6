package chat.nexus.ratelimit;

/**
 * A budget: at most {@code max} requests per {@code windowMs} per subject (user id, or address when
 * anonymous). {@code name} keeps budgets apart in storage and labels the metric.
 */
public record Limit(String name, int max, long windowMs) {

  public Limit {
    if (max <= 0 || windowMs <= 0) {
      throw new IllegalArgumentException("a limit needs a positive max and window");
    }
  }
}
