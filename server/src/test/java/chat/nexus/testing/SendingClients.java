package chat.nexus.testing;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * Official Java Socket.IO clients (websocket, reconnecting as browsers do) that each send a message
 * to one room every {@code periodMs}, one at a time, and keep the id of every message the server
 * acknowledged, for "nothing acknowledged is lost" checks. A send whose ack does not come (the
 * connection closed under it) is not counted as acknowledged.
 */
public final class SendingClients implements AutoCloseable {

  /** Many official clients share one event thread; on a loaded machine they connect slowly. */
  static final long CONNECT_TIMEOUT_S = 120;

  private final List<Socket> sockets = new ArrayList<>();
  private final Map<String, Long> acked = new ConcurrentHashMap<>();
  private final AtomicInteger reconnections = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
  private final String roomId;

  /**
   * Connects {@code count} clients to {@code url} with these tokens (in turn) and starts sending.
   */
  public SendingClients(String url, List<String> tokens, int count, String roomId, long periodMs) {
    this.roomId = roomId;
    List<CompletableFuture<Void>> connected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      IO.Options opts = Client.options(tokens.get(i % tokens.size()));
      opts.reconnection = true;
      opts.reconnectionDelay = 100;
      opts.reconnectionDelayMax = 500;
      Socket socket = IO.socket(URI.create(url), opts);
      CompletableFuture<Void> first = new CompletableFuture<>();
      AtomicBoolean joined = new AtomicBoolean();
      socket.on(
          Socket.EVENT_CONNECT,
          args -> {
            if (joined.getAndSet(true)) {
              reconnections.incrementAndGet();
            }
            socket.emit(
                "room:join",
                new Object[] {json(new JsonObject().put("roomId", roomId))},
                (Ack) a -> first.complete(null));
          });
      socket.connect();
      sockets.add(socket);
      connected.add(first);
    }
    Waits.get(
        CompletableFuture.allOf(connected.toArray(CompletableFuture[]::new)),
        CONNECT_TIMEOUT_S,
        count + " clients to connect and join " + roomId);
    AtomicInteger sequence = new AtomicInteger();
    for (int i = 0; i < sockets.size(); i++) {
      Socket socket = sockets.get(i);
      AtomicBoolean inFlight = new AtomicBoolean();
      String prefix = "c" + i + "-";
      sender.scheduleAtFixedRate(
          () -> send(socket, inFlight, prefix + sequence.getAndIncrement()),
          (periodMs * i) / sockets.size(),
          periodMs,
          TimeUnit.MILLISECONDS);
    }
  }

  private void send(Socket socket, AtomicBoolean inFlight, String clientId) {
    if (!socket.connected() || !inFlight.compareAndSet(false, true)) {
      return;
    }
    JSONObject payload =
        json(
            new JsonObject().put("roomId", roomId).put("text", clientId).put("clientId", clientId));
    socket.emit(
        "message:send",
        new Object[] {payload},
        (Ack)
            args -> {
              JsonObject ack = new JsonObject(args[0].toString());
              if (Boolean.TRUE.equals(ack.getBoolean("ok"))) {
                acked.put(clientId, ack.getJsonObject("message").getLong("id"));
              } else {
                refused.incrementAndGet();
              }
              inFlight.set(false);
            });
    // An emit whose connection closes never gets its ack: free the client for the next one.
    sender.schedule(() -> inFlight.set(false), Waits.TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** Acknowledged messages: clientId -> id. */
  public Map<String, Long> acked() {
    return Map.copyOf(acked);
  }

  /** Sends refused with an error ack (UNAVAILABLE while a node stops). */
  public int refused() {
    return refused.get();
  }

  /** Connections made again after the first one, all clients together. */
  public int reconnections() {
    return reconnections.get();
  }

  /** Clients connected now. */
  public long connected() {
    return sockets.stream().filter(Socket::connected).count();
  }

  /** Stops sending; the clients stay connected. */
  public void stopSending() throws InterruptedException {
    sender.shutdownNow();
    sender.awaitTermination(Waits.TIMEOUT_S, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    sender.shutdownNow();
    sockets.forEach(Socket::close);
  }

  private static JSONObject json(JsonObject json) {
    try {
      return new JSONObject(json.encode());
    } catch (JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
