package chat.nexus;

import chat.nexus.auth.AuthService;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.profiles.Profiles;
import chat.nexus.ratelimit.Limit;
import chat.nexus.store.Blocking;
import chat.nexus.uploads.UploadOptions;
import chat.nexus.uploads.UploadRoutes;
import chat.nexus.uploads.Uploads;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

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
    profiles.onForget(auth::userChanged);
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

  @Override
  public void close() {
    files.close();
  }
}
