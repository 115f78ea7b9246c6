package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import chat.nexus.store.Blocking;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Characters for the REST API and companion chat: the store behind in-memory Caffeine caches, each
 * bounded in bytes rather than entries (one card weighs a kilobyte, another a megabyte): the cards
 * with the bytes of their GET answer, the pages of the public list encoded once into the bytes a
 * request writes, and the avatar thumbnails. Entries live {@link #TTL}; concurrent misses share one
 * load; everything is built on a worker, so a request on an event loop only writes bytes. A create
 * drops the pages; {@link #invalidateAll()} is the hook for other nodes (a Redis pub/sub message)
 * to drop everything.
 *
 * <p>A user's first view of a character drops this node's pages, so its count shows here at once;
 * other nodes show it after a reload (at most the TTL later).
 *
 * <p>Imports are CPU work (parsing, caps, the thumbnail): they run on a small pool of their own, at
 * most {@link ImportPlaces#MAX_IMPORTS} at once on this node, counted from before a body is read;
 * more are refused with UNAVAILABLE and Retry-After.
 */
public final class Characters {

  public static final Duration TTL = Duration.ofMinutes(5);

  /** Cards in memory: the hot ones of a busy node, a few dozen of the largest. */
  public static final long CARD_CACHE_BYTES = 64L << 20;

  /** Encoded list pages: the first pages many times over, whatever the cursors asked for. */
  public static final long PAGE_CACHE_BYTES = 16L << 20;

  /** Thumbnails: a gallery's worth many times over. */
  public static final long AVATAR_CACHE_BYTES = 32L << 20;

  /** What an entry costs besides its value (key, cache node), so that empty answers weigh too. */
  private static final int ENTRY_BYTES = 200;

  /**
   * Longest character id (the column is VARCHAR(64); ids are UUIDs). A longer one names no
   * character; it is answered without a lookup, and never becomes a cache key, which ENTRY_BYTES
   * would not cover (a path may carry a 4 KB id, and missing avatars are cached).
   */
  static final int MAX_ID_CHARS = 64;

  /**
   * A gallery screen or two; with tags at their caps a line is about 2 KB, so a page about 60 KB.
   */
  public static final int DEFAULT_PAGE_SIZE = 30;

  public static final int MAX_PAGE_SIZE = 100;

  /**
   * Threads that parse imports and make thumbnails, beside the database pool (which they would hold
   * up).
   */
  static final int IMPORT_THREADS = 2;

  private static final Logger LOG = LoggerFactory.getLogger(Characters.class);

  private final Vertx vertx;
  private final CharacterStore store;
  private final CharacterPages lists;
  private final Blocking blocking;
  private final Blocking imports;
  private final ImportPlaces places = new ImportPlaces();
  private final AsyncCache<String, Buffer> pages;
  private final AsyncCache<String, Optional<Loaded>> cards;
  private final AsyncCache<String, Optional<Buffer>> avatars;
  private volatile Runnable changed = () -> {};

  /** A cached character and the bytes GET /api/characters/{id} answers. */
  record Loaded(StoredCharacter character, Buffer response) {
    int weight() {
      return (int)
          Math.min(Integer.MAX_VALUE, character.card().weight() + response.length() + ENTRY_BYTES);
    }
  }

  public Characters(Vertx vertx, CharacterStore store, Blocking blocking) {
    this(vertx, store, blocking, TTL);
  }

  public Characters(Vertx vertx, CharacterStore store, Blocking blocking, Duration ttl) {
    this(vertx, store, blocking, ttl, CARD_CACHE_BYTES);
  }

  Characters(
      Vertx vertx, CharacterStore store, Blocking blocking, Duration ttl, long cardCacheBytes) {
    this.vertx = vertx;
    this.store = store;
    this.lists = new CharacterPages(store.database());
    this.blocking = blocking;
    this.imports = new Blocking(vertx, "nexus-character-imports", IMPORT_THREADS);
    this.pages =
        Caffeine.newBuilder()
            .expireAfterWrite(ttl)
            .maximumWeight(PAGE_CACHE_BYTES)
            .<String, Buffer>weigher((key, page) -> page.length() + ENTRY_BYTES)
            .buildAsync();
    this.cards =
        Caffeine.newBuilder()
            .expireAfterWrite(ttl)
            .maximumWeight(cardCacheBytes)
            .<String, Optional<Loaded>>weigher(
                (key, card) -> card.map(Loaded::weight).orElse(ENTRY_BYTES))
            .buildAsync();
    this.avatars =
        Caffeine.newBuilder()
            .expireAfterWrite(ttl)
            .maximumWeight(AVATAR_CACHE_BYTES)
            .<String, Optional<Buffer>>weigher(
                (key, png) -> png.map(Buffer::length).orElse(0) + ENTRY_BYTES)
            .buildAsync();
  }

  /** This node's import places, taken before an upload's body is read. */
  ImportPlaces places() {
    return places;
  }

  /**
   * Imports an upload (its bytes and Content-Type) for {@code createdBy}, who owns it: read and
   * checked on the import pool, stored on the database pool; the bytes of the 201 answer.
   */
  public Future<Buffer> create(
      byte[] body, String contentType, String createdBy, StoredCharacter.Visibility visibility) {
    return imports
        .run(() -> CardUpload.read(body, contentType))
        .compose(upload -> blocking.run(() -> insert(upload, createdBy, visibility)))
        .map(this::created);
  }

  /** Stores an imported character. Blocking. */
  Loaded insert(CardUpload upload, String createdBy, StoredCharacter.Visibility visibility)
      throws SQLException {
    StoredCharacter character =
        new StoredCharacter(
            UUID.randomUUID().toString(),
            upload.card(),
            createdBy,
            Instant.now(),
            upload.png() != null,
            createdBy,
            visibility,
            false);
    store.insert(character, upload);
    return new Loaded(character, Buffer.buffer(character.responseJson()));
  }

  Buffer created(Loaded created) {
    // Kept: the new character is usually talked to next, and reading it back would parse it
    // again.
    cards.put(created.character().id(), CompletableFuture.completedFuture(Optional.of(created)));
    pages.synchronous().invalidateAll();
    changed.run();
    return created.response();
  }

  /**
   * Called after each change made on this node (ChatServer publishes it to the other nodes through
   * Redis).
   */
  public void onChange(Runnable listener) {
    this.changed = listener;
  }

  /**
   * A page of the gallery, {@code {ok, characters: [...], nextBefore?}}, as the bytes to write: up
   * to {@code limit} public characters found by the search, newest first, after the character
   * {@code before} (null: the newest).
   */
  Future<Buffer> page(String before, int limit, CharacterSearch search) {
    return cached(
        pages,
        (before == null ? "" : before) + '\n' + limit + '\n' + search.cacheKey(),
        () -> pageBytes(lists.gallery(before, limit, search)));
  }

  /** A page of the owner's own characters (any visibility), read each time: it is theirs alone. */
  Future<Buffer> owned(String ownerId, String before, int limit) {
    return blocking.run(() -> pageBytes(lists.owned(ownerId, before, limit)));
  }

  /** Makes the search keys of characters stored before there were any. Blocking: at start-up. */
  public int indexSearch() throws SQLException {
    return lists.indexSearch();
  }

  /** A page written as its answer. */
  private static Buffer pageBytes(CharacterPages.Page page) {
    StringBuilder out = new StringBuilder("{\"ok\":true,\"characters\":[");
    for (int i = 0; i < page.lines().size(); i++) {
      out.append(i == 0 ? "" : ",").append(page.lines().get(i));
    }
    out.append(']');
    if (page.nextBefore() != null) {
      out.append(",\"nextBefore\":").append(Json.encode(page.nextBefore()));
    }
    return Buffer.buffer(out.append('}').toString());
  }

  /** A character, cached; fails with NOT_FOUND when there is none. Misses are not cached. */
  public Future<StoredCharacter> get(String id) {
    return loaded(id).map(Loaded::character);
  }

  Future<Loaded> loaded(String id) {
    if (id.length() > MAX_ID_CHARS) {
      return Future.failedFuture(notFound(id));
    }
    return cached(
            cards, id, () -> store.get(id).map(c -> new Loaded(c, Buffer.buffer(c.responseJson()))))
        .compose(
            found -> {
              if (found.isEmpty()) {
                cards.synchronous().invalidate(id);
                return Future.failedFuture(notFound(id));
              }
              return Future.succeededFuture(found.get());
            });
  }

  /**
   * A character this user may see (not deleted, not someone else's private one); NOT_FOUND
   * otherwise, as for a character that does not exist.
   */
  Future<Loaded> visible(String id, String userId) {
    return loaded(id)
        .compose(
            found ->
                found.character().visibleTo(userId)
                    ? Future.succeededFuture(found)
                    : Future.failedFuture(notFound(id)));
  }

  /**
   * A character this user may talk with: one they may see, or a deleted one they talked with before
   * (their conversation stays theirs); NOT_FOUND otherwise.
   */
  public Future<StoredCharacter> usable(String id, String userId) {
    return loaded(id)
        .compose(
            found -> {
              StoredCharacter character = found.character();
              if (character.visibleTo(userId)) {
                return Future.succeededFuture(character);
              }
              Future<Boolean> talked =
                  character.deleted()
                      ? blocking.run(() -> store.talkedWith(userId, id))
                      : Future.succeededFuture(false);
              return talked.compose(
                  yes ->
                      yes ? Future.succeededFuture(character) : Future.failedFuture(notFound(id)));
            });
  }

  /** The bytes of GET /api/characters/{id}; records the user's view (counted once per user). */
  public Future<Buffer> view(String id, String userId) {
    return visible(id, userId)
        .compose(
            loaded ->
                blocking
                    .run(() -> store.recordView(id, userId))
                    .map(first -> viewed(first, loaded)));
  }

  /** A first view changes the view counts on the list's pages. */
  private Buffer viewed(boolean first, Loaded loaded) {
    if (first) {
      pages.synchronous().invalidateAll();
    }
    return loaded.response();
  }

  /**
   * The thumbnail visitors get as a character's avatar (a PNG), when they may see the character
   * ({@code userId} null: anyone); NOT_FOUND when it has none. A character stored before thumbnails
   * existed gets its thumbnail now, once (none when its picture is too large).
   */
  public Future<Buffer> avatar(String id, String userId) {
    if (id.length() > MAX_ID_CHARS) {
      return Future.failedFuture(
          ApiException.notFound("no avatar for character " + CharacterCard.abbreviate(id, 64)));
    }
    return visible(id, userId)
        .recover(
            missing ->
                Future.failedFuture(
                    ApiException.notFound(
                        "no avatar for character " + CharacterCard.abbreviate(id, 64))))
        .compose(seen -> cached(avatars, id, () -> thumbnail(id)))
        .compose(
            found ->
                found.isPresent()
                    ? Future.succeededFuture(found.get())
                    : Future.failedFuture(
                        ApiException.notFound(
                            "no avatar for character " + CharacterCard.abbreviate(id, 64))));
  }

  /** The stored thumbnail, or one made (and stored) from the original now. Blocking. */
  private Optional<Buffer> thumbnail(String id) throws SQLException {
    Optional<CharacterStore.AvatarRow> row = store.thumbnail(id);
    if (row.isEmpty() || !row.get().hasOriginal()) {
      return Optional.empty();
    }
    if (row.get().thumbnail() != null) {
      return Optional.of(Buffer.buffer(row.get().thumbnail()));
    }
    Optional<byte[]> original = store.avatar(id);
    if (original.isEmpty()) {
      return Optional.empty();
    }
    try {
      byte[] thumbnail = Avatar.thumbnail(original.get());
      store.saveThumbnail(id, thumbnail);
      return Optional.of(Buffer.buffer(thumbnail));
    } catch (ApiException e) {
      LOG.warn("character {} keeps no avatar: its picture is refused ({})", id, e.getMessage());
      return Optional.empty();
    }
  }

  static ApiException notFound(String id) {
    return ApiException.notFound("no character " + CharacterCard.abbreviate(id, 64));
  }

  /** Drops what this node keeps of a character it changed, and tells the other nodes. */
  void changed(String id) {
    cards.synchronous().invalidate(id);
    avatars.synchronous().invalidate(id);
    pages.synchronous().invalidateAll();
    changed.run();
  }

  CharacterStore store() {
    return store;
  }

  Blocking blocking() {
    return blocking;
  }

  Blocking imports() {
    return imports;
  }

  /** Drops every cached page, character and avatar (after a change on another node). */
  public void invalidateAll() {
    pages.synchronous().invalidateAll();
    cards.synchronous().invalidateAll();
    avatars.synchronous().invalidateAll();
  }

  /** Estimated bytes held by the three caches (for tests and metrics). */
  public long cachedBytes() {
    return weight(pages) + weight(cards) + weight(avatars);
  }

  private static long weight(AsyncCache<?, ?> cache) {
    cache.synchronous().cleanUp();
    return cache.synchronous().policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  private interface Load<T> {
    T load() throws Exception;
  }

  /**
   * The cached value, loaded once on the database pool when missing; the result comes back on the
   * caller's context.
   */
  private <T> Future<T> cached(AsyncCache<String, T> cache, String key, Load<T> load) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(
        cache.get(
            key,
            (k, executor) -> blocking.run(load::load).toCompletionStage().toCompletableFuture()),
        context);
  }
}
