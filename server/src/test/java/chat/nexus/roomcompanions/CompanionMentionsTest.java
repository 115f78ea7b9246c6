package chat.nexus.roomcompanions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Handles from names, and which companions a text calls, without a server. */
class CompanionMentionsTest {

  private static RoomCompanion named(String name) {
    return new RoomCompanion("lobby", name.toLowerCase(), name, false, "owner", false);
  }

  @Test
  void aHandleIsTheFirstWordOfTheName() {
    assertThat(RoomCompanion.handleOf("Mira Nova")).isEqualTo("mira");
    assertThat(RoomCompanion.handleOf("  Dr. Who")).isEqualTo("dr");
    assertThat(RoomCompanion.handleOf("R2-D2 the droid")).isEqualTo("r2-d2");
    assertThat(RoomCompanion.handleOf("Élodie")).isEqualTo("élodie");
    assertThat(RoomCompanion.handleOf("!!!")).isEmpty();
    assertThat(RoomCompanion.handleOf("x".repeat(100))).hasSize(RoomCompanion.MAX_HANDLE_LENGTH);
  }

  @Test
  void aTextCallsACompanionByItsHandleInAnyCase() {
    List<RoomCompanion> here = List.of(named("Mira"), named("Bob"));
    assertThat(CompanionMentions.in("hello @Mira, how are you?", here))
        .extracting(RoomCompanion::name)
        .containsExactly("Mira");
    assertThat(CompanionMentions.in("@bob and @MIRA.", here))
        .extracting(RoomCompanion::name)
        .containsExactly("Mira", "Bob");
    assertThat(CompanionMentions.in("(@mira)", here)).hasSize(1);
  }

  @Test
  void longerNamesAndAddressesCallNobody() {
    List<RoomCompanion> here = List.of(named("Mira"));
    assertThat(CompanionMentions.in("hi @miranda", here)).isEmpty();
    assertThat(CompanionMentions.in("mail me at ann@mira.org", here)).isEmpty();
    assertThat(CompanionMentions.in("@mira.org is a site", here)).isEmpty();
    assertThat(CompanionMentions.in("@@mira", here)).isEmpty();
    assertThat(CompanionMentions.in("no call, mira", here)).isEmpty();
  }
}
