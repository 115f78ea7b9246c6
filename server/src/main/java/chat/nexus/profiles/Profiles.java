package chat.nexus.profiles;

import chat.nexus.auth.Names;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.images.ImageKinds;
import chat.nexus.images.Thumbnails;
import chat.nexus.redis.ChangeChannel;
import chat.nexus.redis.SharedRedis;
import chat.nexus.store.Blocking;
import chat.nexus.store.Database;
import chat.nexus.store.Handles;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Public profiles (name, handle, guest or account, avatar), cached per node (Caffeine) and dropped
 * on every node when one changes (a Redis pub/sub message naming the user, when REDIS_URL is set).
 * Avatars are re-encoded on the pictures pool ({@link Thumbnails}) to a {@link #AVATAR_SIDE} pixel
 * PNG without metadata.
 */
public final class Profiles {

  /** Largest avatar upload: a phone photo fits; it is scaled down to {@link #AVATAR_SIDE}. */
  public static final int AVATAR_MAX_BYTES = 5 * 1024 * 1024;

  /** Long side of a stored avatar (shown at up to 64 CSS pixels, 2x screens). */
  public static final int AVATAR_SIDE = 128;

  /** Largest picture decoded for an avatar, on either side (about 64 MB once decoded). */
  public static final int AVATAR_MAX_SOURCE_SIDE = 4096;

  /**
   * The JDK cannot decode WebP: a WebP avatar is kept as sent when it is already small, and refused
   * above this side.
   */
  public static final int WEBP_AVATAR_MAX_SIDE = 256;

  /** Profiles one batch lookup may name. */
  public static final int MAX_BATCH = 100;

  static final Duration CACHE_TTL = Duration.ofMinutes(10);
  static final long CACHE_SIZE = 100_000;

  /** In a change message: every user (a user with this id would only empty the caches). */
  private static final String EVERYONE = "*";

  /** Avatars kept in memory, by weight: 32 MB of small pictures. */
  static final long AVATAR_CACHE_BYTES = 32L * 1024 * 1024;

  private final ProfileStore store;
  private final Blocking blocking;
  private final Blocking pictures;
  private final Cache<String, Profile> cache =
      Caffeine.newBuilder().expireAfterWrite(CACHE_TTL).maximumSize(CACHE_SIZE).build();
  private final Cache<String, ProfileStore.StoredAvatar> avatars =
      Caffeine.newBuilder()
          .maximumWeight(AVATAR_CACHE_BYTES)
          .<String, ProfileStore.StoredAvatar>weigher((id, a) -> a.data().length + 100)
          .expireAfterWrite(CACHE_TTL)
          .build();
  private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> forgetListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> forgetAllListeners = new CopyOnWriteArrayList<>();

  public Profiles(Database database, Blocking blocking, Blocking pictures) {
    this.store = new ProfileStore(database);
    this.blocking = blocking;
    this.pictures = pictures;
  }

  /** Calls {@code listener} with the id of every user whose profile changes on this node. */
  public void onChange(Consumer<String> listener) {
    changeListeners.add(listener);
  }

  /**
   * Tells the other nodes of every change here, and drops what they say changed there (every
   * profile when a node's link was down: {@link ChangeChannel}).
   */
  public void shareChanges(SharedRedis redis, String nodeId) {
    ChangeChannel channel =
        ChangeChannel.open(redis, "users:changed", nodeId, EVERYONE, this::forget, this::forgetAll);
    onChange(channel::publish);
  }

  /**
   * Calls {@code one} with the id of every user whose profile changes, here or on another node
   * (caches of users elsewhere on this node), and {@code all} when any may have.
   */
  public void onForget(Consumer<String> one, Runnable all) {
    forgetListeners.add(one);
    forgetAllListeners.add(all);
  }

  /** Drops the cached profile and avatar of a user (changed here or elsewhere). */
  public void forget(String userId) {
    cache.invalidate(userId);
    avatars.invalidate(userId);
    forgetListeners.forEach(l -> l.accept(userId));
  }

  private void forgetAll() {
    cache.invalidateAll();
    avatars.invalidateAll();
    forgetAllListeners.forEach(Runnable::run);
  }

  private void changed(String userId) {
    forget(userId);
    changeListeners.forEach(l -> l.accept(userId));
  }

  /** The profile of a user; NOT_FOUND when there is none. */
  public Future<Profile> profile(String userId) {
    Profile cached = cache.getIfPresent(userId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return blocking
        .run(() -> store.find(userId))
        .compose(
            found ->
                found
                    .map(
                        p -> {
                          cache.put(p.id(), p);
                          return Future.succeededFuture(p);
                        })
                    .orElseGet(() -> Future.failedFuture(notFound(userId))));
  }

  /** The profiles of these ids (unknown ones left out), in the order asked. */
  public Future<List<Profile>> byIds(List<String> ids) {
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      if (cache.getIfPresent(id) == null) {
        missing.add(id);
      }
    }
    Future<List<Profile>> loaded =
        missing.isEmpty()
            ? Future.succeededFuture(List.of())
            : blocking.run(() -> store.findIn("id", missing));
    return loaded.map(
        found -> {
          found.forEach(p -> cache.put(p.id(), p));
          Map<String, Profile> all = found.stream().collect(Collectors.toMap(Profile::id, p -> p));
          List<Profile> out = new ArrayList<>();
          for (String id : ids) {
            Profile p = all.containsKey(id) ? all.get(id) : cache.getIfPresent(id);
            if (p != null) {
              out.add(p);
            }
          }
          return out;
        });
  }

  /** The profiles of these handles (any case; unknown ones left out). */
  public Future<List<Profile>> byHandles(List<String> handles) {
    List<String> keys = handles.stream().map(Handles::validate).distinct().toList();
    return blocking
        .run(() -> store.findIn("handle", keys))
        .map(
            found -> {
              found.forEach(p -> cache.put(p.id(), p));
              return found;
            });
  }

  /**
   * Changes the caller's name and/or handle ({@code {name?, handle?}}); CONFLICT when the handle is
   * someone else's.
   */
  public Future<Profile> update(String userId, JsonObject changes) {
    Object rawName = changes.getValue("name");
    Object rawHandle = changes.getValue("handle");
    if (rawName == null && rawHandle == null) {
      throw ApiException.badRequest("send name and/or handle");
    }
    if (rawName != null && !(rawName instanceof String)) {
      throw ApiException.badRequest("name must be a string");
    }
    String name = rawName == null ? null : Names.displayName((String) rawName);
    String handle = rawHandle == null ? null : Handles.validate(rawHandle);
    return blocking
        .run(() -> store.update(userId, name, handle))
        .compose(
            updated -> {
              if (!updated) {
                return Future.failedFuture(
                    new ApiException(
                        ErrorCode.CONFLICT, "handle @" + handle + " is taken: choose another"));
              }
              changed(userId);
              return profile(userId);
            });
  }

  /** Sets the caller's avatar from an uploaded picture (PNG, JPEG, GIF, or a small WebP). */
  public Future<Profile> setAvatar(String userId, byte[] bytes) {
    if (bytes.length > AVATAR_MAX_BYTES) {
      return Future.failedFuture(
          new ApiException(
              ErrorCode.PAYLOAD_TOO_LARGE,
              "an avatar may be at most " + AVATAR_MAX_BYTES / (1024 * 1024) + " MB"));
    }
    return pictures
        .run(() -> avatarOf(bytes))
        .compose(
            avatar ->
                blocking.run(
                    () -> {
                      store.setAvatar(userId, avatar.contentType(), avatar.data(), avatar.etag());
                      return null;
                    }))
        .compose(
            v -> {
              changed(userId);
              return profile(userId);
            });
  }

  public Future<Profile> deleteAvatar(String userId) {
    return blocking
        .run(
            () -> {
              store.deleteAvatar(userId);
              return null;
            })
        .compose(
            v -> {
              changed(userId);
              return profile(userId);
            });
  }

  /** A user's avatar: its type, bytes and version; NOT_FOUND when the user has none. */
  public Future<ProfileStore.StoredAvatar> avatar(String userId) {
    ProfileStore.StoredAvatar cached = avatars.getIfPresent(userId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return blocking
        .run(() -> store.avatar(userId))
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(ApiException.notFound("this user has no avatar"));
              }
              avatars.put(userId, found.get());
              return Future.succeededFuture(found.get());
            });
  }

  static ProfileStore.StoredAvatar avatarOf(byte[] bytes) {
    String type = ImageKinds.detect(bytes, null);
    if (!ImageKinds.isPicture(type)) {
      throw ApiException.badRequest(
          "an avatar must be a PNG, JPEG, GIF or WebP picture (this is " + type + ")");
    }
    Thumbnails.Size size =
        ImageKinds.declaredSize(bytes, type)
            .orElseThrow(() -> ApiException.badRequest("the picture's size cannot be read"));
    if (size.width() > AVATAR_MAX_SOURCE_SIDE || size.height() > AVATAR_MAX_SOURCE_SIDE) {
      throw ApiException.badRequest(
          "an avatar may be at most "
              + AVATAR_MAX_SOURCE_SIDE
              + " x "
              + AVATAR_MAX_SOURCE_SIDE
              + " pixels (this one is "
              + size.width()
              + " x "
              + size.height()
              + ")");
    }
    if ("image/webp".equals(type)) {
      if (size.width() > WEBP_AVATAR_MAX_SIDE || size.height() > WEBP_AVATAR_MAX_SIDE) {
        throw ApiException.badRequest(
            "a WebP avatar may be at most "
                + WEBP_AVATAR_MAX_SIDE
                + " pixels on each side; PNG, JPEG and GIF pictures are scaled down");
      }
      return new ProfileStore.StoredAvatar(type, bytes, etag(bytes));
    }
    byte[] png =
        Thumbnails.png(bytes, ImageKinds.format(type).orElseThrow(), size, AVATAR_SIDE)
            .orElseThrow(() -> ApiException.badRequest("the picture cannot be decoded"));
    return new ProfileStore.StoredAvatar("image/png", png, etag(png));
  }

  static String etag(byte[] bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ids or handles of a batch lookup: comma-separated, at most {@link #MAX_BATCH}. */
  static List<String> list(String raw, String field) {
    LinkedHashSet<String> values = new LinkedHashSet<>();
    for (String part : raw.split(",", MAX_BATCH + 2)) {
      String value = part.trim();
      if (!value.isEmpty()) {
        values.add(value);
      }
    }
    if (values.isEmpty() || values.size() > MAX_BATCH || raw.length() > MAX_BATCH * 140) {
      throw ApiException.badRequest(
          field + " must list 1-" + MAX_BATCH + " values, comma-separated");
    }
    return new ArrayList<>(values);
  }

  private static ApiException notFound(String userId) {
    return ApiException.notFound("no user " + userId.substring(0, Math.min(userId.length(), 64)));
  }
}
