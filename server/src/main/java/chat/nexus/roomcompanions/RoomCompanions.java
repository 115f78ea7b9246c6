package chat.nexus.roomcompanions;

import chat.nexus.auth.SocketSession;
import chat.nexus.chat.EventAcks;
import chat.nexus.chat.SentMessages;
import chat.nexus.companion.Characters;
import chat.nexus.companion.StoredCharacter;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.llm.LlmGateway;
import chat.nexus.llm.LlmOptions;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.redis.SharedRedis;
import chat.nexus.rooms.Role;
import chat.nexus.rooms.RoomChanges;
import chat.nexus.rooms.RoomIds;
import chat.nexus.rooms.Rooms;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.store.Blocking;
import chat.nexus.store.Database;
import chat.nexus.store.Message;
import chat.nexus.store.MessageStore;
import chat.nexus.store.MessageWriter;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Companions in group rooms: a room's owners add characters to it ({@code room:companion:add},
 * {@code room:companion:remove}, and REST), people call one with {@code @handle} in a normal
 * message, and one reply streams to the whole room ({@link GroupReplies}), in fair turns ({@link
 * Lanes}). The node that stored a message answers its mentions, so each mention is answered once in
 * a cluster. A message without '@' costs nothing here; with '@', a room's companions come from a
 * cache (one query per room and node, dropped on every node when an owner changes them).
 */
public final class RoomCompanions implements SentMessages {

  /** Characters one room may have. */
  public static final int MAX_PER_ROOM = 3;

  /** Rooms whose companions this node keeps in memory (most have none: an empty list). */
  static final long ROOMS_CACHED = 100_000;

  /** The cache is a safety net behind the change messages; an entry lives this long at most. */
  static final Duration CACHE_TTL = Duration.ofMinutes(10);

  private final Rooms rooms;
  private final Characters characters;
  private final Blocking blocking;
  private final RoomCompanionStore store;
  private final SocketIoServer io;
  private final TypingWatch typing;
  private final GroupReplies replies;
  private final CompanionTurns turns;
  private final Cache<String, List<RoomCompanion>> cache =
      Caffeine.newBuilder().maximumSize(ROOMS_CACHED).expireAfterWrite(CACHE_TTL).build();
  private volatile BiPredicate<String, StoredCharacter> sight = (userId, character) -> true;

  public RoomCompanions(
      Vertx vertx,
      SocketIoServer io,
      Database database,
      Blocking blocking,
      Rooms rooms,
      MessageStore messages,
      MessageWriter writer,
      Characters characters,
      LlmGateway gateway,
      int promptTokenBudget,
      MeterRegistry registry) {
    this.rooms = rooms;
    this.characters = characters;
    this.blocking = blocking;
    this.io = io;
    this.store = new RoomCompanionStore(database);
    this.typing = new TypingWatch(vertx);
    this.replies =
        new GroupReplies(
            vertx,
            io,
            characters,
            gateway,
            messages,
            writer,
            rooms.rooms(),
            store,
            blocking,
            new GroupPrompt(promptTokenBudget),
            typing,
            registry);
    this.turns = new CompanionTurns(vertx, io, replies, this::companions);
    rooms
        .changes()
        .listen(
            (kind, roomId, userId) -> {
              if (kind == RoomChanges.Kind.ROOM) {
                cache.invalidate(roomId);
              } else if (kind == RoomChanges.Kind.ANY) {
                cache.invalidateAll();
              }
            });
  }

  /** Whose budget pays for replies (the usage and quota accounting); none by default. */
  public void budget(CompanionBudget budget) {
    replies.budget(budget);
  }

  /** With several nodes: one reply at a time per companion in a room across them, through Redis. */
  public void shareTurns(SharedRedis redis, String nodeId, LlmOptions llm) {
    turns.share(redis, nodeId, llm);
  }

  /**
   * Which characters a user may add to a room (a card's visibility); every stored card by default.
   */
  public void sight(BiPredicate<String, StoredCharacter> sight) {
    this.sight = sight;
  }

  public void attach(Socket socket, RateLimits limits) {
    String me = SocketSession.of(socket).userId();
    on(socket, limits, me, "room:companion:add", p -> add(me, p.getValue("roomId"), p));
    on(socket, limits, me, "room:companion:remove", p -> remove(me, p.getValue("roomId"), p));
    // ChatEvents checks and acks typing; here only who types in rooms that have companions
    socket.on(
        "typing",
        e -> {
          if (e.arg(0) instanceof JsonObject p
              && p.getValue("roomId") instanceof String roomId
              && p.getValue("isTyping") instanceof Boolean now) {
            List<RoomCompanion> here =
                cache.getIfPresent(roomId.toLowerCase(java.util.Locale.ROOT));
            if (here != null && !here.isEmpty()) {
              typing.typing(here.get(0).roomId(), me, now);
            }
          }
        });
  }

  private static void on(
      Socket socket,
      RateLimits limits,
      String userId,
      String event,
      Function<JsonObject, Future<JsonObject>> action) {
    socket.on(
        event, e -> EventAcks.handle(e, limits.event(socket, userId, limits.events()), action));
  }

  /** The room's companions as GET /api/rooms/{id} lists them. */
  public Future<JsonArray> listed(String roomId) {
    return companions(roomId)
        .map(
            list -> {
              JsonArray out = new JsonArray();
              list.forEach(c -> out.add(c.toJson()));
              return out;
            });
  }

  Future<List<RoomCompanion>> companions(String roomId) {
    List<RoomCompanion> known = cache.getIfPresent(roomId);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return rooms
        .changes()
        .readThenCache(
            () -> blocking.run(() -> List.copyOf(store.list(roomId))),
            list -> cache.put(roomId, list));
  }

  /** Adds a character to a room (its owners only); the room hears {@code room:companions}. */
  Future<JsonObject> add(String me, Object room, JsonObject payload) {
    String roomId = groupRoom(room);
    String characterId = characterId(payload.getValue("characterId"));
    Object given = payload.getValue("sponsored", Boolean.FALSE);
    if (!(given instanceof Boolean sponsored)) {
      throw ApiException.badRequest("sponsored must be true or false");
    }
    return owner(roomId, me)
        .compose(v -> characters.get(characterId))
        .compose(
            character -> {
              if (!sight.test(me, character)) {
                throw ApiException.notFound("no character " + characterId);
              }
              return companions(roomId)
                  .compose(
                      present -> {
                        String handle = RoomCompanion.handleOf(character.card().name());
                        if (handle.isEmpty()) {
                          throw ApiException.badRequest(
                              "this character's name has no word to call it by");
                        }
                        for (RoomCompanion c : present) {
                          if (!c.characterId().equals(characterId) && c.handle().equals(handle)) {
                            throw new ApiException(
                                ErrorCode.CONFLICT, "another companion here answers to @" + handle);
                          }
                        }
                        return blocking.run(
                            () -> store.add(roomId, characterId, me, sponsored, MAX_PER_ROOM));
                      });
            })
        .compose(
            added -> {
              if (added == RoomCompanionStore.Added.ROOM_FULL) {
                throw new ApiException(
                    ErrorCode.CONFLICT,
                    "a room may have at most " + MAX_PER_ROOM + " companions: remove one first");
              }
              return changed(roomId)
                  .map(
                      list ->
                          new JsonObject()
                              .put("roomId", roomId)
                              .put("added", added == RoomCompanionStore.Added.ADDED)
                              .put("companion", find(list, characterId))
                              .put("companions", json(list)));
            });
  }

  /** Takes a character out of a room (its owners only). */
  Future<JsonObject> remove(String me, Object room, JsonObject payload) {
    String roomId = groupRoom(room);
    String characterId = characterId(payload.getValue("characterId"));
    return owner(roomId, me)
        .compose(v -> blocking.run(() -> store.remove(roomId, characterId)))
        .compose(
            removed -> {
              if (!removed) {
                throw ApiException.notFound("this character is not in the room");
              }
              return changed(roomId)
                  .map(
                      list -> new JsonObject().put("roomId", roomId).put("companions", json(list)));
            });
  }

  /** Every node forgets the room's companions; the room hears the new list. */
  private Future<List<RoomCompanion>> changed(String roomId) {
    return rooms
        .changes()
        .changed(RoomChanges.Kind.ROOM, roomId, "")
        .compose(v -> companions(roomId))
        .onSuccess(
            list ->
                io.to(roomId)
                    .emit(
                        "room:companions",
                        new JsonObject().put("roomId", roomId).put("companions", json(list))));
  }

  private Future<Void> owner(String roomId, String me) {
    return rooms
        .members()
        .role(roomId, me)
        .map(
            role -> {
              if (role.orElse(null) != Role.OWNER) {
                throw ApiException.forbidden("only the room's owners choose its companions");
              }
              return null;
            });
  }

  private static String groupRoom(Object value) {
    String roomId = RoomIds.validate(value);
    if (RoomIds.isDirect(roomId)) {
      throw ApiException.badRequest("companions join group rooms, not direct conversations");
    }
    return roomId;
  }

  private static String characterId(Object value) {
    if (!(value instanceof String id) || id.isBlank() || id.length() > 64) {
      throw ApiException.badRequest("characterId is required (a character's id)");
    }
    return id;
  }

  private static JsonObject find(List<RoomCompanion> list, String characterId) {
    for (RoomCompanion c : list) {
      if (c.characterId().equals(characterId)) {
        return c.toJson();
      }
    }
    return null;
  }

  private static JsonArray json(List<RoomCompanion> list) {
    JsonArray out = new JsonArray();
    list.forEach(c -> out.add(c.toJson()));
    return out;
  }

  /** A new room message: the companions it calls get their turn. */
  @Override
  public void sent(Socket socket, Message message) {
    if (message.text().indexOf('@') < 0 || RoomIds.isDirect(message.roomId())) {
      return;
    }
    List<RoomCompanion> known = cache.getIfPresent(message.roomId());
    if (known != null) {
      called(socket, message, known);
    } else {
      companions(message.roomId()).onSuccess(list -> called(socket, message, list));
    }
  }

  private void called(Socket socket, Message message, List<RoomCompanion> here) {
    if (here.isEmpty()) {
      return;
    }
    List<RoomCompanion> called = CompanionMentions.in(message.text(), here);
    if (!called.isEmpty()) {
      turns.called(message, SocketSession.of(socket).identity().name(), called);
    }
  }
}
