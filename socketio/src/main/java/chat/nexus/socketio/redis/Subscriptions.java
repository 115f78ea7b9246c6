package chat.nexus.socketio.redis;

import chat.nexus.socketio.redis.RedisLink.Listener;
import io.vertx.core.Promise;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What a {@link RedisLink} is subscribed to, kept across connections: the listener of each channel,
 * pattern and shard channel, the subscriptions Redis has not confirmed yet, and which of them are
 * being replayed on a new subscriber connection. Used on the link's context only.
 */
final class Subscriptions {

  private record Key(SubscriptionKind kind, String name) {}

  /** The order of a replay: patterns first, so that a node counted by NUMSUB already hears. */
  private static final SubscriptionKind[] REPLAY_ORDER = {
    SubscriptionKind.PATTERN, SubscriptionKind.CHANNEL, SubscriptionKind.SHARD
  };

  private final Map<Key, Listener> listeners = new HashMap<>();
  private final Map<Key, List<Promise<Void>>> unconfirmed = new HashMap<>();

  /** Subscriptions replayed on the current subscriber connection and not yet confirmed by Redis. */
  private final Set<Key> replaying = new HashSet<>();

  /** Told of a listener that threw: the channel and the error. */
  private final BiConsumer<String, RuntimeException> listenerFailed;

  Subscriptions(BiConsumer<String, RuntimeException> listenerFailed) {
    this.listenerFailed = listenerFailed;
  }

  /** Records a subscription; {@code confirmed} completes once Redis confirms it. */
  Request add(SubscriptionKind kind, String name, Listener listener, Promise<Void> confirmed) {
    Key key = new Key(kind, name);
    listeners.put(key, listener);
    unconfirmed.computeIfAbsent(key, k -> new ArrayList<>(1)).add(confirmed);
    return Request.cmd(kind.subscribe).arg(name);
  }

  /** Forgets a subscription; the UNSUBSCRIBE to send, or null when there was none. */
  Request remove(SubscriptionKind kind, String name) {
    Key key = new Key(kind, name);
    if (listeners.remove(key) == null) {
      return null;
    }
    unconfirmed.remove(key);
    replaying.remove(key);
    return Request.cmd(kind.unsubscribe).arg(name);
  }

  /** Every subscription, to send again on a new connection; each counts as unconfirmed. */
  List<Request> replay() {
    replaying.clear();
    List<Request> requests = new ArrayList<>(listeners.size());
    for (SubscriptionKind kind : REPLAY_ORDER) {
      for (Key key : listeners.keySet()) {
        if (key.kind() == kind) {
          replaying.add(key);
          requests.add(Request.cmd(kind.subscribe).arg(key.name()));
        }
      }
    }
    return requests;
  }

  /** The subscriber connection is gone: nothing is being replayed on it any more. */
  void connectionLost() {
    replaying.clear();
  }

  /** Whether Redis confirmed every subscription on the current connection. */
  boolean allConfirmed() {
    return replaying.isEmpty();
  }

  /**
   * A push on the subscriber connection: a message for a listener, or the confirmation of a
   * subscription. Returns true when it confirmed one being replayed (the link may be up now).
   */
  boolean onPush(Response push) {
    if (push == null || push.size() < 2) {
      return false;
    }
    String type = push.get(0).toString();
    for (SubscriptionKind kind : SubscriptionKind.values()) {
      if (kind.message.equals(type)) {
        deliver(kind, push);
        return false;
      }
      if (kind.confirmation.equals(type)) {
        Key key = new Key(kind, push.get(1).toString());
        List<Promise<Void>> waiting = unconfirmed.remove(key);
        if (waiting != null) {
          waiting.forEach(Promise::tryComplete);
        }
        return replaying.remove(key);
      }
    }
    return false;
  }

  /**
   * pmessage: [pmessage, pattern, channel, payload]; message/smessage: [type, channel, payload].
   */
  private void deliver(SubscriptionKind kind, Response push) {
    boolean pattern = kind == SubscriptionKind.PATTERN;
    if (push.size() < (pattern ? 4 : 3)) {
      return;
    }
    String name = push.get(1).toString();
    String channel = pattern ? push.get(2).toString() : name;
    Response body = push.get(pattern ? 3 : 2);
    Listener listener = listeners.get(new Key(kind, name));
    if (listener != null && body != null) {
      try {
        listener.onMessage(channel, body.toBytes());
      } catch (RuntimeException e) {
        listenerFailed.accept(channel, e);
      }
    }
  }
}
