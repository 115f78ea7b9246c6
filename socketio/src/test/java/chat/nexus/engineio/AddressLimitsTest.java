package chat.nexus.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The handshake rate per address, and what happens past the number of addresses it tracks. */
class AddressLimitsTest {

  private static final int PER_WINDOW = 3;

  private static AddressLimits limits() {
    return new AddressLimits(
        EngineIoOptions.builder().handshakeRate(PER_WINDOW, 60_000).build(), 0);
  }

  @Test
  void oneAddressGetsItsAllowanceAndNoMore() {
    AddressLimits limits = limits();
    for (int i = 0; i < PER_WINDOW; i++) {
      assertThat(limits.tryHandshake("10.0.0.1", 1)).isNull();
    }
    assertThat(limits.tryHandshake("10.0.0.1", 1)).isNotNull();
    assertThat(limits.tryHandshake("10.0.0.2", 1)).as("another address").isNull();
    assertThat(limits.tryHandshake("10.0.0.1", 60_001)).as("the next window").isNull();
  }

  @Test
  void pastTheTrackedAddressesAFloodDoesNotShutOutEveryNewcomer() {
    AddressLimits limits = limits();
    IntStream.range(0, AddressLimits.MAX_TRACKED_ADDRESSES)
        .forEach(i -> assertThat(limits.tryHandshake("flood-" + i, 1)).isNull());
    // the table is full: a flood of further addresses uses up the allowance of the slots it hashes
    // to
    int refused = 0;
    for (int i = 0; i < 2_000; i++) {
      if (limits.tryHandshake("late-flood-" + i, 1) != null) {
        refused++;
      }
    }
    assertThat(refused).as("the flood past the table is limited").isPositive();
    // newcomers whose slots the flood did not fill still get in
    long admitted =
        IntStream.range(0, 200)
            .mapToObj(i -> "newcomer-" + i)
            .filter(key -> limits.tryHandshake(key, 1) == null)
            .count();
    assertThat(admitted).isGreaterThan(50);
  }

  @Test
  void overflowSlotsAreFewAndStable() {
    assertThat(AddressLimits.overflowSlot("2001:db8::/64"))
        .isEqualTo(AddressLimits.overflowSlot("2001:db8::/64"));
    assertThat(
            IntStream.range(0, 100_000)
                .mapToObj(i -> AddressLimits.overflowSlot("a" + i))
                .distinct()
                .count())
        .isEqualTo(AddressLimits.OVERFLOW_SLOTS);
  }
}
