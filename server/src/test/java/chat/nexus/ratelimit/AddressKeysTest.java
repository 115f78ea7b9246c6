package chat.nexus.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Anonymous requests are limited per client address: an IPv4 address, or an IPv6 /64 (one
 * customer's network, whose every address one host may use). Addresses come from X-Forwarded-For of
 * the trusted loopback proxy, as behind nginx.
 */
class AddressKeysTest {

  private static final int MAX = 3;

  @Test
  void ipv6ClientsShareOneBudgetPerSlash64AndIpv4ClientsOnePerAddress() {
    try (TestServer server =
        TestServer.start(
            Backend.H2,
            Map.of(
                "RATE_LIMIT_ENABLED",
                "true",
                "RATE_LIMIT_MAX",
                String.valueOf(MAX),
                "RATE_LIMIT_WINDOW_MS",
                "60000",
                "TRUST_PROXY",
                "loopback"))) {
      assertThat(get(server, "2001:db8:1:2::1")).isEqualTo(200);
      assertThat(get(server, "2001:db8:1:2::2")).isEqualTo(200);
      assertThat(get(server, "2001:db8:1:2:ffff:ffff:ffff:3")).isEqualTo(200);
      assertThat(get(server, "2001:db8:1:2::4"))
          .as("a fourth address of the same /64")
          .isEqualTo(429);
      assertThat(get(server, "2001:db8:1:3::1")).as("the next /64").isEqualTo(200);

      for (int i = 0; i < MAX; i++) {
        assertThat(get(server, "203.0.113.1")).isEqualTo(200);
      }
      assertThat(get(server, "203.0.113.1")).isEqualTo(429);
      assertThat(get(server, "203.0.113.2")).as("the next IPv4 address").isEqualTo(200);
      assertThat(get(server, "::ffff:203.0.113.1"))
          .as("the same IPv4 address, IPv4-mapped")
          .isEqualTo(429);
    }
  }

  private static int get(TestServer server, String client) {
    Rest.Response response =
        server.rest().getWithHeaders("/api/characters", Map.of("X-Forwarded-For", client));
    if (response.status() != 200) {
      response.assertError(429, "RATE_LIMITED");
    }
    return response.status();
  }
}
