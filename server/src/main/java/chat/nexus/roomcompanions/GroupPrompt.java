package chat.nexus.roomcompanions;

import chat.nexus.companion.CharacterCard;
import chat.nexus.companion.PromptBuilder;
import chat.nexus.llm.ChatMessage;
import chat.nexus.store.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The prompt of a companion in a room: the card's prompt as {@link PromptBuilder} makes it (within
 * the same token budget, the newest message kept), with who is in the room in a system message
 * after the card's, and the room's recent messages with their speakers' names ("Ann: hello"); the
 * companion's own messages are its turns.
 */
final class GroupPrompt {

  /** Room messages read for a prompt; the budget then keeps what fits, newest first. */
  static final int HISTORY_MESSAGES = 40;

  /** Members named in the prompt. */
  static final int MAX_MEMBERS_NAMED = 30;

  private final int tokenBudget;

  GroupPrompt(int tokenBudget) {
    this.tokenBudget = tokenBudget;
  }

  /**
   * @param newestFirst the room's messages up to the mention, newest first
   * @param names display names of the speakers by user id
   * @param members display names of the room's members
   */
  List<ChatMessage> build(
      CharacterCard card,
      String characterId,
      String roomName,
      String askerName,
      List<Message> newestFirst,
      Map<String, String> names,
      List<String> members) {
    String self = RoomCompanion.authorId(characterId);
    List<ChatMessage> history = new ArrayList<>(newestFirst.size());
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      Message m = newestFirst.get(i);
      if (m.deleted() || m.text().isBlank()) {
        continue;
      }
      history.add(
          m.userId().equals(self)
              ? ChatMessage.assistant(m.text())
              : ChatMessage.user(speaker(m.userId(), names) + ": " + m.text()));
    }
    ChatMessage room = ChatMessage.system(roomNote(card.name(), roomName, askerName, members));
    int left = Math.max(1, tokenBudget - PromptBuilder.estimateTokens(room));
    List<ChatMessage> prompt =
        new ArrayList<>(new PromptBuilder(left).build(card, askerName, history));
    int at = !prompt.isEmpty() && ChatMessage.SYSTEM.equals(prompt.get(0).role()) ? 1 : 0;
    prompt.add(at, room);
    return prompt;
  }

  static String roomNote(String character, String roomName, String asker, List<String> members) {
    return "This is a group chat in the room \""
        + roomName
        + "\". People here: "
        + String.join(", ", members.isEmpty() ? List.of(asker) : members)
        + ". Their messages come as \"name: text\". "
        + asker
        + " just spoke to "
        + character
        + ": answer "
        + asker
        + ", as "
        + character
        + " only, without a name in front.";
  }

  private static String speaker(String userId, Map<String, String> names) {
    String name = names.get(userId);
    return name != null ? name : userId;
  }
}
