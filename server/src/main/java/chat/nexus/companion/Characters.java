package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import chat.nexus.store.Blocking;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Characters for the REST API and companion chat: the store behind an in-memory Caffeine cache of the list
 * and of single characters (TTL 5 minutes; concurrent misses share one load). A create drops the cache;
 * {@link #invalidateAll()} is the hook for other nodes (a Redis pub/sub message) to do the same.
 *
 * <p>View counts in the cached list are the counts when the list was loaded plus the views this node has
 * recorded since, so a node's own views show at once; other nodes' views show after a reload (at most the
 * TTL later). A view recorded while the list loads may be counted twice until the next reload.
 */
public final class Characters {

  public static final Duration TTL = Duration.ofMinutes(5);
  private static final String LIST = "list";

  private final Vertx vertx;
  private final CharacterStore store;
  private final Blocking blocking;
  private final AsyncCache<String, List<CharacterSummary>> listCache;
  private final AsyncCache<String, Optional<StoredCharacter>> cardCache;
  private volatile Map<String, LongAdder> viewsSinceLoad = new ConcurrentHashMap<>();
  private volatile Runnable changed = () -> {};

  public Characters(Vertx vertx, CharacterStore store, Blocking blocking) {
    this(vertx, store, blocking, TTL);
  }

  public Characters(Vertx vertx, CharacterStore store, Blocking blocking, Duration ttl) {
    this.vertx = vertx;
    this.store = store;
    this.blocking = blocking;
    this.listCache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(1).buildAsync();
    this.cardCache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).buildAsync();
  }

  /** Imports a card; avatar is the PNG it came from, or null. */
  public Future<StoredCharacter> create(CharacterCard card, byte[] avatar, String createdBy) {
    StoredCharacter character = new StoredCharacter(UUID.randomUUID().toString(), card, createdBy, Instant.now(), avatar != null);
    return blocking.run(() -> {
      store.insert(character, avatar);
      return character;
    }).onSuccess(c -> {
      invalidateAll();
      changed.run();
    });
  }

  /** Called after each change made on this node (ChatServer publishes it to the other nodes through Redis). */
  public void onChange(Runnable listener) {
    this.changed = listener;
  }

  /** The list, cached, newest first, with view counts. */
  public Future<List<CharacterSummary>> list() {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(listCache.get(LIST, (key, executor) -> {
      viewsSinceLoad = new ConcurrentHashMap<>();
      return blocking.run(store::list).toCompletionStage().toCompletableFuture();
    }), context).map(list -> {
      Map<String, LongAdder> extra = viewsSinceLoad;
      if (extra.isEmpty()) {
        return list;
      }
      return list.stream().map(s -> {
        LongAdder more = extra.get(s.id());
        return more == null ? s : s.withViews(more.sum());
      }).toList();
    });
  }

  /** A character, cached; fails with NOT_FOUND when there is none. Misses are not cached. */
  public Future<StoredCharacter> get(String id) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(cardCache.get(id, (key, executor) ->
        blocking.run(() -> store.get(key)).toCompletionStage().toCompletableFuture()), context)
        .compose(found -> {
          if (found.isEmpty()) {
            cardCache.synchronous().invalidate(id);
            return Future.failedFuture(ApiException.notFound("no character " + CharacterCard.abbreviate(id, 64)));
          }
          return Future.succeededFuture(found.get());
        });
  }

  /** Gets a character and records that the user viewed it. */
  public Future<StoredCharacter> view(String id, String userId) {
    return get(id).compose(character -> blocking.run(() -> {
      store.recordView(id, userId);
      viewsSinceLoad.computeIfAbsent(id, k -> new LongAdder()).increment();
      return character;
    }));
  }

  /** The PNG a character came from; NOT_FOUND when it has none. Not cached (rarely asked, can be large). */
  public Future<byte[]> avatar(String id) {
    return blocking.run(() -> store.avatar(id)).compose(found -> found.isPresent()
        ? Future.succeededFuture(found.get())
        : Future.failedFuture(ApiException.notFound("no avatar for character " + CharacterCard.abbreviate(id, 64))));
  }

  /** Drops every cached list and character (after a change here, or on another node). */
  public void invalidateAll() {
    listCache.synchronous().invalidateAll();
    cardCache.synchronous().invalidateAll();
  }
}
