package chat.nexus.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

  @Test
  void defaultsWithTheRateLimitsOnAndOff() {
    ConnectionLimits on = ConnectionLimits.from(Map.of(), true);
    assertThat(on.idleTimeoutMs()).isEqualTo(ConnectionLimits.DEFAULT_IDLE_TIMEOUT_MS);
    assertThat(on.headerTimeoutMs()).isEqualTo(ConnectionLimits.DEFAULT_HEADER_TIMEOUT_MS);
    assertThat(on.bodyTimeoutMs()).isEqualTo(ConnectionLimits.DEFAULT_BODY_TIMEOUT_MS);
    assertThat(on.maxConnections())
        .isEqualTo(ConnectionLimits.defaultMaxConnections())
        .isPositive();
    assertThat(on.maxConnectionsPerAddress())
        .isEqualTo(ConnectionLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    assertThat(on.handshakesPerAddressPerMinute())
        .isEqualTo(ConnectionLimits.DEFAULT_HANDSHAKES_PER_ADDRESS_PER_MINUTE);
    assertThat(on.maxPendingSessionsPerAddress())
        .isEqualTo(ConnectionLimits.DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS);
    assertThat(on.authTimeoutMs()).isEqualTo(ConnectionLimits.DEFAULT_AUTH_TIMEOUT_MS);
    assertThat(on.maxRoomsPerSocket()).isEqualTo(ConnectionLimits.DEFAULT_MAX_ROOMS_PER_SOCKET);

    // a development server takes a load test from one machine: no per-address limits unless asked
    // for
    ConnectionLimits off = ConnectionLimits.from(Map.of(), false);
    assertThat(off.maxConnectionsPerAddress()).isZero();
    assertThat(off.handshakesPerAddressPerMinute()).isZero();
    assertThat(off.maxPendingSessionsPerAddress()).isZero();
    assertThat(off.authTimeoutMs()).isEqualTo(ConnectionLimits.DEFAULT_AUTH_TIMEOUT_MS);

    ConnectionLimits asked =
        ConnectionLimits.from(
            Map.of("HANDSHAKES_PER_ADDRESS_PER_MINUTE", "30", "MAX_CONNECTIONS_PER_ADDRESS", "7"),
            false);
    assertThat(asked.handshakesPerAddressPerMinute()).isEqualTo(30);
    assertThat(asked.maxConnectionsPerAddress()).isEqualTo(7);
    assertThat(asked.maxPendingSessionsPerAddress())
        .isEqualTo(ConnectionLimits.DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS);
    assertThat(
            ConnectionLimits.from(Map.of("MAX_CONNECTIONS_PER_ADDRESS", "0"), true)
                .maxConnectionsPerAddress())
        .isZero();
  }

  @Test
  void badValuesAreOneLineEach() {
    assertThatThrownBy(
            () ->
                ConnectionLimits.from(
                    Map.of("HTTP_IDLE_TIMEOUT_MS", "soon", "AUTH_TIMEOUT_MS", "0"), true))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "HTTP_IDLE_TIMEOUT_MS must be a whole number from 1 to 2147483647, got 'soon'",
                        "AUTH_TIMEOUT_MS must be a whole number from 1 to 2147483647, got '0'"));
  }
}
