package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.chat.ClientInput;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import java.sql.SQLException;
import java.util.List;

/**
 * A user's personas: at most {@link #MAX_PERSONAS}, each a name of 1-{@link #MAX_NAME_CHARS}
 * characters and a description of up to {@link #MAX_DESCRIPTION_CHARS}, chosen per conversation.
 * Another user's persona reads as none (NOT_FOUND).
 */
public final class Personas {

  public static final int MAX_PERSONAS = 20;
  public static final int MAX_NAME_CHARS = 64;
  public static final int MAX_DESCRIPTION_CHARS = 2_000;

  private final PersonaStore store;
  private final Blocking blocking;

  public Personas(PersonaStore store, Blocking blocking) {
    this.store = store;
    this.blocking = blocking;
  }

  public Future<List<Persona>> list(Identity me) {
    return blocking.run(() -> store.list(me.userId(), MAX_PERSONAS));
  }

  public Future<Persona> create(Identity me, Object name, Object description) {
    String n = name(name);
    String d = description(description);
    return blocking.run(
        () -> {
          if (store.count(me.userId()) >= MAX_PERSONAS) {
            throw new ApiException(
                ErrorCode.CONFLICT,
                "You can keep " + MAX_PERSONAS + " personas: delete one first.");
          }
          return store.create(me.userId(), n, d);
        });
  }

  /** Changes the name and/or the description (absent: unchanged). */
  public Future<Persona> update(Identity me, Object personaId, Object name, Object description) {
    long id = CompanionChats.required(personaId, "personaId");
    String n = name == null ? null : name(name);
    String d = description == null ? null : description(description);
    return blocking.run(
        () -> {
          Persona now = owned(me, id);
          Persona next =
              new Persona(
                  id, me.userId(), n == null ? now.name() : n, d == null ? now.description() : d);
          store.update(next);
          return next;
        });
  }

  public Future<Void> delete(Identity me, Object personaId) {
    long id = CompanionChats.required(personaId, "personaId");
    return blocking.run(
        () -> {
          if (!store.delete(me.userId(), id)) {
            throw ApiException.notFound("no such persona");
          }
          return null;
        });
  }

  /** Sets the persona of one of the user's conversations (null: none). Blocking. */
  void choose(Identity me, CompanionConversation conversation, Long personaId) throws SQLException {
    if (personaId != null) {
      owned(me, personaId);
    }
    store.choose(me.userId(), conversation.id(), personaId);
  }

  /** The conversation's persona, or null (none chosen, or deleted since). Blocking. */
  Persona of(CompanionConversation conversation) throws SQLException {
    return conversation.personaId() == null
        ? null
        : store.get(conversation.userId(), conversation.personaId());
  }

  private Persona owned(Identity me, long id) throws SQLException {
    Persona persona = store.get(me.userId(), id);
    if (persona == null) {
      throw ApiException.notFound("no such persona");
    }
    return persona;
  }

  private static String name(Object value) {
    String name = ClientInput.text(value, "name").strip();
    if (name.codePointCount(0, name.length()) > MAX_NAME_CHARS) {
      throw ApiException.badRequest("name must be at most " + MAX_NAME_CHARS + " characters");
    }
    return name;
  }

  private static String description(Object value) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      return "";
    }
    String text = ClientInput.text(value, "description").strip();
    if (text.codePointCount(0, text.length()) > MAX_DESCRIPTION_CHARS) {
      throw ApiException.badRequest(
          "description must be at most " + MAX_DESCRIPTION_CHARS + " characters");
    }
    return text;
  }
}
