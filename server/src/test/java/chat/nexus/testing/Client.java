package chat.nexus.testing;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * The official Java Socket.IO client (io.socket 2.1.2) with queues for the server's events and
 * blocking, bounded calls with acks. Payloads and acks are Vert.x JSON for the assertions.
 */
public final class Client implements AutoCloseable {

  /** The server events a chat client hears. */
  public static final List<String> EVENTS =
      List.of(
          "message:new",
          "message:updated",
          "typing",
          "presence",
          "companion:token",
          "companion:done",
          "companion:error",
          "companion:conversation",
          "companion:conversation-deleted",
          "session:ended",
          "token:expired",
          "room:invited",
          "room:removed",
          "room:updated",
          "room:role",
          "room:muted",
          "conversation:read",
          "receipt",
          "notification",
          "user:updated",
          "room:companions",
          "room:companion:queue",
          "room:companion:token",
          "room:companion:error",
          "room:companion:refused");

  private final Socket socket;
  private final Map<String, BlockingQueue<Object[]>> events = new ConcurrentHashMap<>();
  private final CompletableFuture<String> disconnected = new CompletableFuture<>();

  /** Notified on every event, for {@link #awaitAny}. */
  private final Object arrivals = new Object();

  private Client(Socket socket) {
    this.socket = socket;
    for (String event : EVENTS) {
      BlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
      events.put(event, queue);
      socket.on(
          event,
          args -> {
            queue.add(args);
            synchronized (arrivals) {
              arrivals.notifyAll();
            }
          });
    }
    socket.on(
        Socket.EVENT_DISCONNECT,
        args -> disconnected.complete(String.valueOf(args.length > 0 ? args[0] : null)));
  }

  /** Options of a test client: a new connection each time, no reconnection, websocket. */
  public static IO.Options options(String token) {
    IO.Options opts = new IO.Options();
    opts.forceNew = true;
    opts.reconnection = false;
    opts.timeout = TimeUnit.SECONDS.toMillis(Waits.TIMEOUT_S);
    opts.transports = new String[] {"websocket"};
    if (token != null) {
      opts.auth = Map.of("token", token);
    }
    return opts;
  }

  /** A connected client; fails the test on connect_error. */
  public static Client connect(String url, String token) {
    return connect(url, options(token), c -> {});
  }

  /** A connected client with these options; {@code beforeConnect} may add listeners first. */
  public static Client connect(String url, IO.Options opts, Consumer<Client> beforeConnect) {
    Client client = new Client(IO.socket(URI.create(url), opts));
    beforeConnect.accept(client);
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    client.socket.once(Socket.EVENT_CONNECT, args -> outcome.complete("connected"));
    client.socket.once(
        Socket.EVENT_CONNECT_ERROR,
        args -> outcome.complete(args.length > 0 ? args[0] : "connect_error"));
    client.socket.connect();
    Object result = Waits.get(outcome, "the socket to connect");
    if (!"connected".equals(result)) {
      client.close();
      throw new AssertionError("connect_error: " + result);
    }
    return client;
  }

  /** The connect_error of a connection attempt with these auth values (null: no auth at all). */
  public static JsonObject connectError(String url, Map<String, String> auth) {
    IO.Options opts = options(null);
    if (auth != null) {
      opts.auth = Map.copyOf(auth);
    }
    Client client = new Client(IO.socket(URI.create(url), opts));
    try {
      CompletableFuture<Object> outcome = new CompletableFuture<>();
      client.socket.once(Socket.EVENT_CONNECT, args -> outcome.complete("connected"));
      client.socket.once(
          Socket.EVENT_CONNECT_ERROR, args -> outcome.complete(args.length > 0 ? args[0] : null));
      client.socket.connect();
      Object result = Waits.get(outcome, "connect_error");
      if (!(result instanceof JSONObject error)) {
        throw new AssertionError("expected a connect_error with a message, got " + result);
      }
      return new JsonObject(error.toString());
    } finally {
      client.close();
    }
  }

  public Socket socket() {
    return socket;
  }

  /** The Socket.IO id, the same as the server-side socket's. */
  public String id() {
    return socket.id();
  }

  /** Emits with an ack callback and waits for the ack's first argument. */
  public JsonObject call(String event, Object payload) {
    return Waits.get(callAsync(event, payload), "the ack of " + event);
  }

  public CompletableFuture<JsonObject> callAsync(String event, Object payload) {
    CompletableFuture<JsonObject> ack = new CompletableFuture<>();
    socket.emit(
        event,
        new Object[] {toClient(payload)},
        (Ack)
            args -> {
              if (args.length == 0 || !(args[0] instanceof JSONObject json)) {
                ack.completeExceptionally(
                    new AssertionError(
                        "ack of "
                            + event
                            + " is not an object: "
                            + java.util.Arrays.toString(args)));
              } else {
                ack.complete(new JsonObject(json.toString()));
              }
            });
    return ack;
  }

  /** The payload (first argument) of the next such event; fails after the timeout. */
  public JsonObject next(String event) {
    Object[] args = poll(event, Waits.TIMEOUT_S, TimeUnit.SECONDS);
    if (args == null) {
      throw new AssertionError("no " + event + " within " + Waits.TIMEOUT_S + " s");
    }
    if (!(args[0] instanceof JSONObject json)) {
      throw new AssertionError(
          event + " payload is not an object: " + java.util.Arrays.toString(args));
    }
    return new JsonObject(json.toString());
  }

  /**
   * Waits until an event of one of these kinds has been received and not read yet; fails after the
   * timeout.
   */
  public void awaitAny(String... kinds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Waits.TIMEOUT_S);
    synchronized (arrivals) {
      while (java.util.Arrays.stream(kinds).allMatch(kind -> pending(kind) == 0)) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError(
              "none of " + String.join(", ", kinds) + " within " + Waits.TIMEOUT_S + " s");
        }
        try {
          arrivals.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** Events of that kind received so far and not read yet. */
  public int pending(String event) {
    return events.get(event).size();
  }

  private Object[] poll(String event, long timeout, TimeUnit unit) {
    try {
      return events.get(event).poll(timeout, unit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Completes with the reason of the first disconnection. */
  public CompletableFuture<String> disconnected() {
    return disconnected;
  }

  private static Object toClient(Object payload) {
    try {
      if (payload instanceof JsonObject json) {
        return new JSONObject(json.encode());
      }
      if (payload instanceof JsonArray array) {
        return new JSONArray(array.encode());
      }
      return payload;
    } catch (org.json.JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
