package chat.nexus.chat;

import chat.nexus.auth.Identity;
import chat.nexus.errors.ApiException;
import chat.nexus.rooms.Membership;
import chat.nexus.rooms.Role;
import chat.nexus.rooms.Room;
import chat.nexus.rooms.RoomIds;
import chat.nexus.rooms.Rooms;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rooms' REST routes (signed in): the public directory {@code GET /api/rooms?q&limit&cursor}, a
 * room's details and members {@code GET /api/rooms/{id}}, its reports for its moderators {@code GET
 * /api/rooms/{id}/reports?before&limit}, and the caller's blocks {@code GET /api/me/blocks}.
 */
public final class RoomRoutes {

  public static final int DEFAULT_DIRECTORY_LIMIT = 20;
  public static final int MAX_DIRECTORY_LIMIT = 50;

  /** Members listed in a room's details; memberCount says how many there are. */
  public static final int MAX_MEMBERS_LISTED = 200;

  public static final int DEFAULT_REPORTS_LIMIT = 50;
  public static final int MAX_REPORTS_LIMIT = 100;

  private final Rooms rooms;
  private final Blocking blocking;
  private final Presence presence;
  private volatile Function<String, Future<JsonArray>> companions =
      roomId -> Future.succeededFuture(new JsonArray());

  public RoomRoutes(Rooms rooms, Blocking blocking, Presence presence) {
    this.rooms = rooms;
    this.blocking = blocking;
    this.presence = presence;
  }

  /** The characters a room's details list as its {@code companions}. */
  public RoomRoutes companions(Function<String, Future<JsonArray>> companions) {
    this.companions = companions;
    return this;
  }

  public void mount(
      Router router,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity) {
    router.get("/api/rooms").handler(authenticated).handler(this::directory);
    router
        .get("/api/rooms/:id")
        .handler(authenticated)
        .handler(ctx -> details(ctx, identity.apply(ctx).userId()));
    router
        .get("/api/rooms/:id/reports")
        .handler(authenticated)
        .handler(ctx -> reports(ctx, identity.apply(ctx).userId()));
    router
        .get("/api/me/blocks")
        .handler(authenticated)
        .handler(
            ctx ->
                respond(
                    ctx,
                    rooms
                        .blocks()
                        .list(identity.apply(ctx).userId())
                        .map(list -> new JsonObject().put("blocks", new JsonArray(list)))));
  }

  private void directory(RoutingContext ctx) {
    String q = Optional.ofNullable(ctx.queryParams().get("q")).orElse("").strip();
    if (q.length() > RoomIds.MAX_LENGTH) {
      throw ApiException.badRequest("q must be at most " + RoomIds.MAX_LENGTH + " characters");
    }
    String cursor = Optional.ofNullable(ctx.queryParams().get("cursor")).orElse("");
    if (!cursor.isEmpty() && !RoomIds.isRoomId(cursor)) {
      throw ApiException.badRequest("cursor must be the nextCursor of the previous page");
    }
    int limit = limit(ctx.queryParams().get("limit"), DEFAULT_DIRECTORY_LIMIT, MAX_DIRECTORY_LIMIT);
    String query = q.toLowerCase(Locale.ROOT);
    Future<JsonObject> page =
        blocking
            .run(() -> rooms.rooms().directory(query, cursor, limit + 1))
            .compose(
                found -> {
                  List<Room> shown = found.size() > limit ? found.subList(0, limit) : found;
                  List<Future<JsonObject>> entries = new ArrayList<>();
                  for (Room room : shown) {
                    entries.add(
                        presence
                            .members(room.id(), 0)
                            .map(online -> entry(room).put("onlineCount", online.count())));
                  }
                  return Future.all(entries)
                      .map(
                          all -> {
                            JsonArray list = new JsonArray();
                            entries.forEach(e -> list.add(e.result()));
                            JsonObject body = new JsonObject().put("rooms", list);
                            if (found.size() > limit) {
                              body.put("nextCursor", shown.get(shown.size() - 1).id());
                            }
                            return body;
                          });
                });
    respond(ctx, page);
  }

  private static JsonObject entry(Room room) {
    return new JsonObject()
        .put("id", room.id())
        .put("name", room.name())
        .put("topic", room.topic())
        .put("memberCount", room.memberCount());
  }

  private void details(RoutingContext ctx, String me) {
    String roomId = RoomIds.validate(ctx.pathParam("id"));
    Future<JsonObject> body =
        readable(roomId, me)
            .compose(
                room ->
                    blocking
                        .run(() -> rooms.members().store().membersOf(roomId, MAX_MEMBERS_LISTED))
                        .compose(
                            members ->
                                presence
                                    .members(roomId, 0)
                                    .map(
                                        online -> {
                                          JsonArray list = new JsonArray();
                                          String myRole = null;
                                          for (Membership m : members) {
                                            list.add(member(m));
                                            if (m.userId().equals(me)) {
                                              myRole = m.role().value();
                                            }
                                          }
                                          return new JsonObject()
                                              .put(
                                                  "room",
                                                  room.toJson().put("onlineCount", online.count()))
                                              .put("members", list)
                                              .put("myRole", myRole);
                                        })))
            .compose(json -> companions.apply(roomId).map(list -> json.put("companions", list)));
    respond(ctx, body);
  }

  private static JsonObject member(Membership m) {
    JsonObject json = new JsonObject().put("userId", m.userId()).put("role", m.role().value());
    if (m.mutedAt(Instant.now())) {
      json.put("mutedUntil", m.mutedUntil().toString());
    }
    return json;
  }

  /** The room when the caller may read it: NOT_FOUND, or FORBIDDEN for a private room. */
  private Future<Room> readable(String roomId, String me) {
    return blocking
        .run(() -> rooms.rooms().find(roomId))
        .compose(
            found -> {
              Room room = found.orElseThrow(() -> ApiException.notFound("no room " + roomId));
              return rooms
                  .members()
                  .mayRead(roomId, me)
                  .map(
                      allowed -> {
                        if (!allowed) {
                          throw ApiException.forbidden("this room is private to its members");
                        }
                        return room;
                      });
            });
  }

  private void reports(RoutingContext ctx, String me) {
    String roomId = RoomIds.validate(ctx.pathParam("id"));
    int limit = limit(ctx.queryParams().get("limit"), DEFAULT_REPORTS_LIMIT, MAX_REPORTS_LIMIT);
    Long before = ClientInput.before(ctx.queryParams().get("before"));
    respond(
        ctx,
        rooms
            .members()
            .role(roomId, me)
            .compose(
                role -> {
                  if (!role.map(Role::moderates).orElse(false)) {
                    throw ApiException.forbidden(
                        "only the room's owners and moderators see its reports");
                  }
                  return blocking.run(
                      () -> rooms.reports().reports(roomId, before == null ? 0 : before, limit));
                })
            .map(list -> new JsonObject().put("reports", new JsonArray(list))));
  }

  private static int limit(String value, int fallback, int max) {
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw ApiException.badRequest("limit must be a whole number from 1 to " + max);
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onComplete(
        done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(done.result().put("ok", true).encode());
          }
        });
  }
}
