package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.chat.ClientInput;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.rooms.RoomIds;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A user's conversations with characters: find or start one (with the card's greeting, its
 * alternate greetings as swipes), list, rename, delete, page the history, choose a swipe and edit a
 * message. The conversations of another user read as none (NOT_FOUND). Starting, renaming and
 * deleting one is announced to every socket of the user ({@code companion:conversation}, {@code
 * companion:conversation-deleted}), on every node.
 */
public final class CompanionChats {

  /** Conversations a user may keep with one character. */
  public static final int MAX_CONVERSATIONS = 100;

  /** Alternatives one message keeps (swipes). */
  public static final int MAX_SWIPES = 20;

  public static final int MAX_TITLE_CHARS = 100;

  private static final int LOCK_STRIPES = 64;

  private final Characters characters;
  private final CompanionConversationStore conversations;
  private final CompanionStore messages;
  private final Personas personas;
  private final Blocking blocking;
  private final SocketIoServer io;
  private final Object[] locks = new Object[LOCK_STRIPES];

  public CompanionChats(
      Characters characters,
      CompanionConversationStore conversations,
      CompanionStore messages,
      Personas personas,
      Blocking blocking,
      SocketIoServer io) {
    this.characters = characters;
    this.conversations = conversations;
    this.messages = messages;
    this.personas = personas;
    this.blocking = blocking;
    this.io = io;
    for (int i = 0; i < LOCK_STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * A conversation and a page of its messages, oldest first; {@code started}: it was started for
   * this request (to be announced).
   */
  public record Opened(
      CompanionConversation conversation, List<CompanionMessage> messages, boolean started) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("conversation", conversation.toJson())
          .put("memory", conversation.memoryJson())
          .put("messages", CompanionMessage.toJsonArray(messages));
    }
  }

  /**
   * The conversation {@code conversationId} (null: the user's most recent one with the character,
   * started when there is none) and its messages before {@code before} (null: the newest).
   */
  public Future<Opened> open(
      Identity me, Object characterId, Object conversationId, Object before, int limit) {
    String id = CompanionService.characterId(characterId);
    Long wanted = id(conversationId, "conversationId");
    Long beforeId = ClientInput.before(before);
    return character(me, id)
        .compose(
            character ->
                blocking.run(
                    () -> {
                      Opened c = resolve(me, character, wanted);
                      return new Opened(
                          c.conversation(),
                          oldestFirst(messages.page(c.conversation(), beforeId, limit)),
                          c.started());
                    }))
        .onSuccess(this::announceStarted);
  }

  /** Starts a new conversation with the character, with its greeting. */
  public Future<Opened> create(Identity me, Object characterId) {
    String id = CompanionService.characterId(characterId);
    return character(me, id)
        .compose(
            character ->
                blocking.run(
                    () -> {
                      synchronized (lock(me.userId() + '\n' + id)) {
                        if (conversations.count(me.userId(), id) >= MAX_CONVERSATIONS) {
                          throw new ApiException(
                              ErrorCode.CONFLICT,
                              "You can keep "
                                  + MAX_CONVERSATIONS
                                  + " conversations with a character: delete one first.");
                        }
                        return start(me, character);
                      }
                    }))
        .onSuccess(this::announceStarted);
  }

  /** The user's conversations with the character, most recently active first. */
  public Future<List<CompanionConversation>> list(Identity me, Object characterId) {
    String id = CompanionService.characterId(characterId);
    return character(me, id)
        .compose(c -> blocking.run(() -> conversations.of(me.userId(), id, MAX_CONVERSATIONS)));
  }

  /** Sets a conversation's title (null or blank: untitled). */
  public Future<CompanionConversation> rename(Identity me, Object conversationId, Object title) {
    long id = required(conversationId, "conversationId");
    String text = title(title);
    return blocking
        .run(
            () -> {
              if (!conversations.rename(me.userId(), id, text)) {
                throw ApiException.notFound("no such conversation");
              }
              return conversations.get(me.userId(), id);
            })
        .onSuccess(this::announceChanged);
  }

  /** Sets the persona the user speaks as in a conversation (null: none, their own name). */
  public Future<CompanionConversation> persona(
      Identity me, Object conversationId, Object personaId) {
    long id = required(conversationId, "conversationId");
    Long persona = id(personaId, "personaId");
    return blocking
        .run(
            () -> {
              personas.choose(me, owned(me, id), persona);
              return conversations.get(me.userId(), id);
            })
        .onSuccess(this::announceChanged);
  }

  private void announceChanged(CompanionConversation c) {
    announce(
        c.userId(), "companion:conversation", new JsonObject().put("conversation", c.toJson()));
  }

  /** Deletes a conversation and its messages. */
  public Future<JsonObject> delete(Identity me, Object conversationId) {
    long id = required(conversationId, "conversationId");
    return blocking
        .run(
            () -> {
              CompanionConversation c = conversations.get(me.userId(), id);
              if (c == null || !conversations.delete(me.userId(), id)) {
                throw ApiException.notFound("no such conversation");
              }
              return new JsonObject().put("characterId", c.characterId()).put("conversationId", id);
            })
        .onSuccess(gone -> announce(me.userId(), "companion:conversation-deleted", gone));
  }

  /** Chooses swipe {@code index} of the conversation's last message. */
  public Future<CompanionMessage> swipe(
      Identity me, Object conversationId, Object messageId, Object index) {
    long id = required(conversationId, "conversationId");
    long message = required(messageId, "messageId");
    if (!(index instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ApiException.badRequest("swipe must be a whole number");
    }
    int chosen = n.intValue();
    return blocking.run(
        () -> {
          CompanionConversation c = owned(me, id);
          synchronized (lock(c)) {
            CompanionMessage last = last(c);
            if (last == null || last.id() != message) {
              throw new ApiException(
                  ErrorCode.CONFLICT, "Only the last message of a conversation can be swiped.");
            }
            if (chosen < 0 || chosen >= last.swipes().size()) {
              throw ApiException.badRequest(
                  "swipe must be from 0 to " + (last.swipes().size() - 1));
            }
            CompanionMessage updated = last.choose(chosen);
            messages.update(updated);
            return updated;
          }
        });
  }

  /** Replaces the text of a message of the conversation (its chosen swipe for a reply). */
  public Future<CompanionMessage> edit(
      Identity me, Object conversationId, Object messageId, Object text) {
    long id = required(conversationId, "conversationId");
    long message = required(messageId, "messageId");
    String body = CompanionService.text(text);
    return blocking.run(
        () -> {
          CompanionConversation c = owned(me, id);
          synchronized (lock(c)) {
            CompanionMessage m = messages.get(c, message);
            if (m == null) {
              throw ApiException.notFound("no such message in this conversation");
            }
            CompanionMessage updated = m.edited(body);
            messages.update(updated);
            return updated;
          }
        });
  }

  /** A character the user may talk to, or NOT_FOUND: every companion path looks it up here. */
  Future<StoredCharacter> character(Identity me, String id) {
    return characters.usable(id, me.userId());
  }

  /** The user's conversation, or NOT_FOUND. Blocking. */
  CompanionConversation owned(Identity me, long conversationId) throws SQLException {
    CompanionConversation c = conversations.get(me.userId(), conversationId);
    if (c == null) {
      throw ApiException.notFound("no such conversation");
    }
    return c;
  }

  /**
   * The conversation {@code wanted} of the user with the character (NOT_FOUND when it is not theirs
   * or not with this character), or their most recent one, started when there is none. Blocking.
   */
  Opened resolve(Identity me, StoredCharacter character, Long wanted) throws SQLException {
    if (wanted != null) {
      CompanionConversation c = conversations.get(me.userId(), wanted);
      if (c == null || !c.characterId().equals(character.id())) {
        throw ApiException.notFound("no such conversation with this character");
      }
      return new Opened(c, List.of(), false);
    }
    synchronized (lock(me.userId() + '\n' + character.id())) {
      List<CompanionConversation> recent = conversations.of(me.userId(), character.id(), 1);
      return recent.isEmpty() ? start(me, character) : new Opened(recent.get(0), List.of(), false);
    }
  }

  /** Tells the user's sockets about a conversation this request started. */
  void announceStarted(Opened opened) {
    if (opened.started()) {
      announceChanged(opened.conversation());
    }
  }

  /** The conversation's newest message, or null. Blocking. */
  CompanionMessage last(CompanionConversation c) throws SQLException {
    List<CompanionMessage> newest = messages.page(c, null, 1);
    return newest.isEmpty() ? null : newest.get(0);
  }

  /** The lock of a conversation's messages on this node. */
  Object lock(CompanionConversation c) {
    return lock("c" + c.id());
  }

  private Object lock(String key) {
    return locks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
  }

  /** A new conversation with the greeting, announced. Blocking. */
  private Opened start(Identity me, StoredCharacter character) throws SQLException {
    CompanionConversation c = conversations.create(me.userId(), character.id());
    List<String> greetings = greetings(me, character.card());
    List<CompanionMessage> stored =
        greetings.isEmpty()
            ? List.of()
            : List.of(messages.append(c, CompanionMessage.ASSISTANT, greetings.get(0), greetings));
    return new Opened(conversations.get(me.userId(), c.id()), stored, true);
  }

  /** The card's first message and alternate greetings with the names filled in, non-blank. */
  private static List<String> greetings(Identity me, CharacterCard card) {
    List<String> out = new ArrayList<>();
    List<String> all = new ArrayList<>();
    all.add(card.firstMessage());
    all.addAll(card.alternateGreetings());
    for (String g : all) {
      if (g != null && !g.isBlank() && out.size() < MAX_SWIPES) {
        out.add(PromptBuilder.names(g, card.name(), CompanionService.userName(me)));
      }
    }
    return out;
  }

  private void announce(String userId, String event, JsonObject payload) {
    io.to(RoomIds.inbox(userId)).emit(event, payload);
  }

  static Long id(Object value, String field) {
    return value == null ? null : required(value, field);
  }

  static long required(Object value, String field) {
    Long id;
    try {
      id = ClientInput.before(value);
    } catch (ApiException e) {
      id = null;
    }
    if (id == null) {
      throw ApiException.badRequest(field + " must be a positive whole number");
    }
    return id;
  }

  private static String title(Object value) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      return null;
    }
    String title = ClientInput.text(value, "title").strip();
    if (title.codePointCount(0, title.length()) > MAX_TITLE_CHARS) {
      throw ApiException.badRequest("title must be at most " + MAX_TITLE_CHARS + " characters");
    }
    return title;
  }

  static List<CompanionMessage> oldestFirst(List<CompanionMessage> newestFirst) {
    List<CompanionMessage> out = new ArrayList<>(newestFirst);
    Collections.reverse(out);
    return out;
  }
}
