package chat.nexus.uploads;

import chat.nexus.chat.Attachments;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.images.ImageKinds;
import chat.nexus.images.Thumbnails;
import chat.nexus.rooms.Members;
import chat.nexus.store.Blocking;
import chat.nexus.store.Database;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Files and images sent to rooms: what each is, read from its bytes; for pictures a preview (a PNG
 * of at most {@link #PREVIEW_SIDE} pixels); the bytes in the database or an S3 bucket ({@link
 * Blobs}), so that every node serves them; and who may read them (whoever may read the room).
 */
public final class Uploads implements Attachments {

  /** Long side of an image's preview, as messages show it (240 CSS pixels on 2x screens). */
  public static final int PREVIEW_SIDE = 480;

  /**
   * Largest picture given a preview, on either side, and in pixels: larger ones are kept as
   * downloads (decoding them, even every n-th pixel, costs too much).
   */
  public static final int MAX_IMAGE_SIDE = 12_000;

  public static final long MAX_IMAGE_PIXELS = 50_000_000;

  /** WebP, which the JDK cannot decode, is its own preview up to this side. */
  public static final int MAX_WEBP_PREVIEW_SIDE = 4096;

  /** Uploads read and analysed at once on a node; more wait for none, they get UNAVAILABLE. */
  public static final int MAX_IN_FLIGHT = 8;

  /** Longest file name kept, in UTF-16 units (the column holds 255). */
  static final int MAX_NAME_CHARS = 200;

  static final int ID_BYTES = 15;
  static final Duration CACHE_TTL = Duration.ofMinutes(30);
  static final long CACHE_SIZE = 100_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final UploadStore store;
  private final Blobs blobs;
  private final Blocking blocking;
  private final Blocking files;
  private final Members members;
  private final UploadOptions options;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Cache<String, Upload> cache =
      Caffeine.newBuilder().expireAfterWrite(CACHE_TTL).maximumSize(CACHE_SIZE).build();

  /**
   * @param blocking the database pool
   * @param files the pool that analyses pictures and talks to the bucket
   */
  public Uploads(
      Database database,
      Blocking blocking,
      Blocking files,
      Members members,
      UploadOptions options) {
    this(
        new UploadStore(database),
        options.s3().<Blobs>map(S3Blobs::new).orElseGet(() -> new DatabaseBlobs(database)),
        blocking,
        files,
        members,
        options);
  }

  Uploads(
      UploadStore store,
      Blobs blobs,
      Blocking blocking,
      Blocking files,
      Members members,
      UploadOptions options) {
    this.store = store;
    this.blobs = blobs;
    this.blocking = blocking;
    this.files = files;
    this.members = members;
    this.options = options;
  }

  /** Lets go of the bucket's HTTP client (when the bytes are in S3). */
  public void close() {
    if (blobs instanceof S3Blobs s3) {
      s3.close();
    }
  }

  public UploadOptions options() {
    return options;
  }

  public String description() {
    return options.description();
  }

  /** Takes a place among {@link #MAX_IN_FLIGHT}; false when they are all taken. */
  boolean tryStart() {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  void done() {
    inFlight.decrementAndGet();
  }

  /** FORBIDDEN unless the user may read the room. */
  Future<Void> checkReader(String roomId, String userId) {
    return members
        .mayRead(roomId, userId)
        .compose(
            may ->
                may
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        ApiException.forbidden("you may not read this room's messages")));
  }

  /** Stores a file sent by {@code userId} to {@code roomId} (the caller checked the room). */
  Future<Upload> accept(String roomId, String userId, String fileName, byte[] bytes) {
    if (bytes.length == 0) {
      return Future.failedFuture(ApiException.badRequest("the file is empty"));
    }
    if (bytes.length > options.maxBytes()) {
      return Future.failedFuture(tooLarge(options.maxBytes()));
    }
    String name = cleanName(fileName);
    return files
        .run(
            () -> {
              Analysed analysed = analyse(bytes, name);
              Upload upload =
                  new Upload(
                      newId(),
                      roomId,
                      userId,
                      name,
                      analysed.contentType(),
                      bytes.length,
                      analysed.size() == null ? null : analysed.size().width(),
                      analysed.size() == null ? null : analysed.size().height(),
                      analysed.preview() != null,
                      blobs instanceof S3Blobs ? "s3" : "database",
                      Instant.now().truncatedTo(ChronoUnit.MILLIS));
              blobs.put(upload.fileKey(), bytes, upload.contentType());
              if (analysed.preview() != null) {
                blobs.put(upload.previewKey(), analysed.preview(), analysed.previewType());
              }
              return upload;
            })
        .compose(upload -> blocking.run(() -> store.insertAndReturn(upload)))
        .onSuccess(upload -> cache.put(upload.id(), upload));
  }

  /** The upload if the user may read its room: NOT_FOUND, or FORBIDDEN. */
  Future<Upload> readable(String id, String userId) {
    return find(id)
        .compose(
            upload ->
                upload == null
                    ? Future.failedFuture(ApiException.notFound("no such upload"))
                    : checkReader(upload.roomId(), userId).map(upload));
  }

  /** The file's bytes, or its preview's (images only). */
  Future<byte[]> bytes(Upload upload, boolean preview) {
    if (preview && !upload.image()) {
      return Future.failedFuture(ApiException.notFound("this upload is not an image"));
    }
    return files
        .run(() -> blobs.get(preview ? upload.previewKey() : upload.fileKey()))
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                ApiException.notFound("this upload's bytes are gone"))));
  }

  @Override
  public Future<String> attach(String uploadId, String userId, String roomId) {
    return find(uploadId)
        .map(
            upload -> {
              if (upload == null) {
                throw ApiException.badRequest("attachmentId names no upload");
              }
              if (!upload.userId().equals(userId) || !upload.roomId().equals(roomId)) {
                throw ApiException.forbidden(
                    "attach only what you uploaded to this room (upload it here first)");
              }
              return upload.attachment().encode();
            });
  }

  /** Deletes the upload and its bytes, unless another message of its room still carries it. */
  @Override
  public Future<Void> remove(String uploadId) {
    return find(uploadId)
        .compose(
            upload ->
                upload == null
                    ? Future.succeededFuture(false)
                    : blocking.run(
                        () -> {
                          if (store.attachedInRoom(upload.roomId(), uploadId)) {
                            return false;
                          }
                          store.delete(uploadId);
                          return true;
                        }))
        .compose(
            deleted -> {
              if (!deleted) {
                return Future.succeededFuture();
              }
              cache.invalidate(uploadId);
              return files.run(
                  () -> {
                    blobs.delete(Upload.fileKey(uploadId));
                    blobs.delete(Upload.previewKey(uploadId));
                    return (Void) null;
                  });
            });
  }

  private Future<Upload> find(String id) {
    Upload cached = cache.getIfPresent(id);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return blocking
        .run(() -> store.find(id).orElse(null))
        .onSuccess(
            found -> {
              if (found != null) {
                cache.put(id, found);
              }
            });
  }

  record Analysed(String contentType, Thumbnails.Size size, byte[] preview, String previewType) {}

  /** Reads what the bytes are and, for a picture of a sensible size, makes its preview. */
  static Analysed analyse(byte[] bytes, String name) {
    String type = ImageKinds.detect(bytes, name);
    if (!ImageKinds.isPicture(type)) {
      return new Analysed(type, null, null, null);
    }
    Thumbnails.Size size = ImageKinds.declaredSize(bytes, type).orElse(null);
    if (size == null
        || size.width() > MAX_IMAGE_SIDE
        || size.height() > MAX_IMAGE_SIDE
        || (long) size.width() * size.height() > MAX_IMAGE_PIXELS) {
      return new Analysed(type, size, null, null);
    }
    if ("image/webp".equals(type)) {
      boolean small =
          size.width() <= MAX_WEBP_PREVIEW_SIDE && size.height() <= MAX_WEBP_PREVIEW_SIDE;
      return new Analysed(type, size, small ? bytes : null, type);
    }
    byte[] preview =
        Thumbnails.png(bytes, ImageKinds.format(type).orElseThrow(), size, PREVIEW_SIDE)
            .orElse(null);
    return new Analysed(type, size, preview, "image/png");
  }

  /** A file name as shown and offered for saving: no folders, no control characters. */
  static String cleanName(String raw) {
    String name = raw == null ? "" : raw;
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    StringBuilder kept = new StringBuilder();
    name.codePoints()
        .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
        .forEach(kept::appendCodePoint);
    name = kept.toString().trim();
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      name = "file";
    }
    // Counted in UTF-16 units, as the column is: never half of a surrogate pair.
    int end = name.length();
    while (end > MAX_NAME_CHARS) {
      end = name.offsetByCodePoints(end, -1);
    }
    name = name.substring(0, end);
    return name;
  }

  static ApiException tooLarge(long maxBytes) {
    return new ApiException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "a file may be at most " + maxBytes + " bytes (" + (maxBytes / (1024 * 1024)) + " MB)");
  }

  private static String newId() {
    byte[] id = new byte[ID_BYTES];
    RANDOM.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }
}
