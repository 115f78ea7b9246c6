package chat.nexus.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What counts as an @name, without a server. */
class MentionNamesTest {

  @Test
  void namesAfterAnAtSignLowerCasedOnce() {
    assertThat(MentionNames.in("hi @Ann and @bob_2, @ANN again. Ask @Zoë."))
        .containsExactly("ann", "bob_2", "zoë");
  }

  @Test
  void noAtSignNoWork() {
    assertThat(MentionNames.in("plain text")).isEmpty();
  }

  @Test
  void mailAddressesAndDoubleAtsAreNoMentions() {
    assertThat(MentionNames.in("write to ann@example.com or @@bob")).isEmpty();
  }

  @Test
  void boundedInCountAndLength() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      text.append("@user").append(i).append(' ');
    }
    assertThat(MentionNames.in(text.toString())).hasSize(MentionNames.MAX_MENTIONS);
    String longName = "a".repeat(MentionNames.MAX_NAME_LENGTH + 10);
    assertThat(MentionNames.in("@" + longName).iterator().next())
        .hasSize(MentionNames.MAX_NAME_LENGTH);
  }
}
