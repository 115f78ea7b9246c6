package chat.nexus.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.errors.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The H2 snippets, the words of a search and the LIKE escaping, without a server. */
class SnippetsTest {

  static final char S = Snippets.START;
  static final char E = Snippets.STOP;

  @Test
  void everyMatchIsMarkedCaseInsensitively() {
    assertThat(Snippets.of("Fox and fox and FOXES", List.of("fox")))
        .isEqualTo(S + "Fox" + E + " and " + S + "fox" + E + " and " + S + "FOX" + E + "ES");
  }

  @Test
  void theLongerWordWinsWhereTwoStartTogether() {
    assertThat(Snippets.of("foxhound", List.of("fox", "foxhound"))).isEqualTo(S + "foxhound" + E);
  }

  @Test
  void aLongTextIsCutAroundTheFirstMatch() {
    String text = "a".repeat(500) + " needle " + "b".repeat(500);
    String snippet = Snippets.of(text, List.of("needle"));
    assertThat(snippet).startsWith(Snippets.CUT).endsWith(Snippets.CUT);
    assertThat(snippet).contains(S + "needle" + E);
    assertThat(snippet.length()).isLessThanOrEqualTo(Snippets.MAX_LENGTH + 4);
  }

  @Test
  void markersInTheTextAreDroppedAndPairsStayWhole() {
    String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
    String text = emoji.repeat(100) + " x" + S + "y" + E + " " + emoji.repeat(100);
    String snippet = Snippets.of(text, List.of("xy"));
    assertThat(snippet.chars().filter(c -> c == S).count()).isEqualTo(1);
    assertThat(snippet).contains(S + "xy" + E);
    for (int i = 0; i < snippet.length(); i++) {
      char c = snippet.charAt(i);
      if (Character.isHighSurrogate(c)) {
        assertThat(Character.isLowSurrogate(snippet.charAt(i + 1))).isTrue();
        i++;
      } else {
        assertThat(Character.isLowSurrogate(c)).as("a lone low surrogate at %s", i).isFalse();
      }
    }
  }

  @Test
  void likeWildcardsAreEscaped() {
    assertThat(SearchStore.escapeLike("50%_a\\b")).isEqualTo("50\\%\\_a\\\\b");
  }

  @Test
  void wordsAreDistinctLowerCaseAndBounded() {
    assertThat(SearchStore.words("Fox \"fox\" DOG")).containsExactly("fox", "dog");
    assertThatThrownBy(() -> SearchStore.words("\"\"")).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> SearchStore.words("a b c d e f g h i j k"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("at most " + SearchStore.MAX_WORDS);
  }

  @Test
  void theQueryIsTrimmedAndChecked() {
    assertThat(SearchRequest.query("  two \n\t words  ")).isEqualTo("two words");
    assertThat(SearchRequest.query("\uD83D\uDE00".repeat(SearchRequest.MAX_QUERY_LENGTH)))
        .hasSize(2 * SearchRequest.MAX_QUERY_LENGTH);
    assertThatThrownBy(() -> SearchRequest.query("a\uD800b")).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> SearchRequest.query("" + S + E)).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> SearchRequest.query(42)).isInstanceOf(ApiException.class);
  }
}
