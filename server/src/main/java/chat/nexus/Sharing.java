package chat.nexus;

import chat.nexus.auth.AuthService;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.profiles.Profiles;
import chat.nexus.ratelimit.Limit;
import chat.nexus.rooms.Members;
import chat.nexus.rooms.RoomIds;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.store.Blocking;
import chat.nexus.uploads.UploadOptions;
import chat.nexus.uploads.UploadRoutes;
import chat.nexus.uploads.Uploads;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * What people share of themselves and with rooms: profiles (handles, avatars), and files and images
 * sent to rooms. Pictures are analysed and re-encoded on a pool of their own ({@link
 * #PICTURE_THREADS} threads), so that they never hold the database's workers.
 */
record Sharing(
    Profiles profiles,
    Uploads uploads,
    UploadRoutes uploadRoutes,
    Limit uploadLimit,
    Blocking files)
    implements AutoCloseable {

  /** Threads decoding and encoding pictures and talking to the bucket. */
  static final int PICTURE_THREADS = 4;

  /** Tasks waiting for them beyond that: more are refused (UNAVAILABLE, retry in a second). */
  static final int PICTURE_QUEUE = 32;

  static Sharing start(
      Vertx vertx,
      ServerConfig settings,
      Storage storage,
      Production production,
      AuthService auth) {
    Blocking files =
        new Blocking(
            vertx,
            "nexus-files",
            PICTURE_THREADS,
            PICTURE_QUEUE,
            UnaryOperator.identity(),
            () -> new ApiException(ErrorCode.UNAVAILABLE, "too many files being processed", 1L));
    Profiles profiles = new Profiles(storage.database(), storage.blocking(), files);
    profiles.onForget(auth::userChanged, auth::usersChanged);
    production.redis().ifPresent(redis -> profiles.shareChanges(redis, production.nodeId()));
    UploadOptions options = settings.uploads();
    Uploads uploads =
        new Uploads(storage.database(), storage.blocking(), files, storage.members(), options);
    Path temporary;
    try {
      temporary = Files.createTempDirectory("nexus-uploads");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a folder for uploads in progress", e);
    }
    return new Sharing(
        profiles,
        uploads,
        new UploadRoutes(uploads, files, temporary),
        new Limit("uploads", options.perUserMax(), options.windowMs()),
        files);
  }

  /** Rooms told of one profile change: a user's recent rooms, as the members table lists them. */
  static final int ANNOUNCED_ROOMS = 200;

  /**
   * Tells the people who may see a user's name that it changed: {@code user:updated {user}} to the
   * rooms the user is a member of and to the user's own sockets, through the adapter (every node).
   */
  void announceChanges(SocketIoServer io, Members members) {
    profiles.onChange(
        userId ->
            members
                .roomsOf(userId, ANNOUNCED_ROOMS)
                .compose(
                    rooms ->
                        profiles
                            .profile(userId)
                            .map(
                                profile -> {
                                  List<String> targets = new ArrayList<>();
                                  targets.add(RoomIds.inbox(userId));
                                  rooms.forEach(m -> targets.add(m.roomId()));
                                  io.to(targets.toArray(String[]::new))
                                      .emit(
                                          "user:updated",
                                          new JsonObject().put("user", profile.toJson()));
                                  return null;
                                }))
                .onFailure(
                    e ->
                        LoggerFactory.getLogger(Sharing.class)
                            .warn("announcing a profile change failed: {}", e.toString())));
  }

  @Override
  public void close() {
    uploads.close();
    files.close();
  }
}
