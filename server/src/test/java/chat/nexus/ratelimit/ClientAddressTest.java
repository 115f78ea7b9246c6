package chat.nexus.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  @Test
  void forwardedForIsBelievedOnlyFromTrustedProxies() {
    ClientAddress addresses = new ClientAddress(List.of("10.0.0.0/8", "192.168.1.5"));
    assertThat(addresses.of("203.0.113.7", "1.2.3.4")).isEqualTo("203.0.113.7");
    assertThat(addresses.of("10.1.2.3", "1.2.3.4")).isEqualTo("1.2.3.4");
    assertThat(addresses.of("192.168.1.5", "spoofed, 1.2.3.4, 10.9.9.9")).isEqualTo("1.2.3.4");
    assertThat(addresses.of("192.168.1.6", "1.2.3.4")).isEqualTo("192.168.1.6");
    assertThat(addresses.of("10.1.2.3", "not-an-address")).isEqualTo("10.1.2.3");
    assertThat(new ClientAddress(List.of("loopback")).of("127.0.0.1", "2001:db8::1"))
        .isEqualTo("2001:db8::1");
  }

  @Test
  void limitKeysAreIpv4AddressesAndIpv6Slash64s() {
    assertThat(ClientAddress.key("203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(ClientAddress.key("2001:db8:1:2::5")).isEqualTo("2001:db8:1:2::/64");
    assertThat(ClientAddress.key("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(ClientAddress.key("[2001:db8::1]")).isEqualTo("2001:db8:0:0::/64");
    assertThat(ClientAddress.key("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(ClientAddress.key("::1")).isEqualTo("0:0:0:0::/64");
    assertThat(ClientAddress.key("not-an-address")).isEqualTo("not-an-address");
    assertThat(ClientAddress.key(null)).isEqualTo("unknown");
  }

  @Test
  void badEntriesAreRefusedWithoutLookingUpNames() {
    assertThatThrownBy(() -> new ClientAddress(List.of("proxy.example.com")))
        .hasMessageContaining("proxy.example.com");
    assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33")))
        .hasMessageContaining("prefix");
  }

  @Test
  void localWindowsCountAndReopen() {
    AtomicLong now = new AtomicLong(1_000_000);
    LocalRateLimiter limiter = new LocalRateLimiter(Duration.ofMinutes(1), now::get);
    Limit limit = new Limit("t", 2, 1_000);
    assertThat(limiter.acquireNow(limit, "u").remaining()).isEqualTo(1);
    assertThat(limiter.acquireNow(limit, "u").allowed()).isTrue();
    Decision refused = limiter.acquireNow(limit, "u");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds(now.get())).isEqualTo(1);
    assertThat(limiter.acquireNow(limit, "other").allowed()).isTrue();
    now.addAndGet(1_000);
    assertThat(limiter.acquireNow(limit, "u").allowed()).isTrue();
  }
}
