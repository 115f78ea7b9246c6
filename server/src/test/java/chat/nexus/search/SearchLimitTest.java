package chat.nexus.search;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Searches count against a budget of their own per user when rate limits are on. */
class SearchLimitTest extends ServerCases {

  @Override
  protected Map<String, String> env() {
    return Map.of("RATE_LIMIT_ENABLED", "true", "RATE_LIMIT_MAX", "1000");
  }

  @Test
  void aUserSearchingTooOftenIsRefusedForAWhile() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    for (int i = 0; i < SearchRoutes.LIMIT.max(); i++) {
      rest.get("/api/search?q=hello", ann.token()).assertOk(200);
    }
    var refused = rest.get("/api/search?q=hello", ann.token()).assertError(429, "RATE_LIMITED");
    assertThat(refused.header("Retry-After")).isNotBlank();
    assertThat(refused.json().getJsonObject("error").getLong("retryAfter")).isPositive();
    rest.get("/api/search?q=hello", bob.token()).assertOk(200); // a budget per user
  }
}
