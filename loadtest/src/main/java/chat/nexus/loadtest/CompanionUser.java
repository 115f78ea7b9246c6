package chat.nexus.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One user of the {@code companion} burst on one Engine.IO v4 / Socket.IO v5 websocket: just enough
 * of the protocol for these events, and the times (System.nanoTime) of its last message's send,
 * ack, first token and end.
 */
final class CompanionUser {
  final int k;
  final String jwt;
  private final URI base;
  private WebSocket socket;
  private Context context;
  private final AtomicInteger nextAck = new AtomicInteger();
  private final Map<Integer, Promise<JsonObject>> acks = new ConcurrentHashMap<>();
  private Promise<Void> connected;
  private Promise<Void> finished;
  volatile long sentNs;
  volatile long ackNs;
  volatile long firstTokenNs;
  volatile long doneNs;
  volatile boolean ok;
  volatile String errorCode;
  volatile Object retryAfter;
  volatile String replyError;

  /** User {@code k} with its token, of the chat server at {@code base}. */
  CompanionUser(int k, String jwt, URI base) {
    this.k = k;
    this.jwt = jwt;
    this.base = base;
  }

  /** Whether an ack says ok. */
  static boolean ok(JsonObject ack) {
    return Boolean.TRUE.equals(ack.getValue("ok"));
  }

  void reset() {
    sentNs = ackNs = firstTokenNs = doneNs = 0;
    ok = false;
    errorCode = null;
    retryAfter = null;
    replyError = null;
  }

  Future<Void> connect(WebSocketClient client) {
    connected = Promise.promise();
    int port = base.getPort() > 0 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80);
    WebSocketConnectOptions o =
        new WebSocketConnectOptions()
            .setHost(base.getHost())
            .setPort(port)
            .setSsl("https".equals(base.getScheme()))
            .setURI("/socket.io/?EIO=4&transport=websocket");
    return client
        .connect(o)
        .compose(
            ws -> {
              socket = ws;
              context = Vertx.currentContext();
              ws.textMessageHandler(this::frame);
              ws.closeHandler(
                  v -> {
                    connected.tryFail("closed");
                    if (finished != null) {
                      finished.tryComplete();
                    }
                  });
              return connected.future();
            });
  }

  void close() {
    if (socket != null) {
      socket.close();
    }
  }

  Future<JsonObject> emit(String event, JsonObject payload) {
    int id = nextAck.getAndIncrement();
    Promise<JsonObject> p = Promise.promise();
    acks.put(id, p);
    socket.writeTextMessage("42" + id + new JsonArray().add(event).add(payload).encode());
    return p.future();
  }

  /** Sends the message; the future completes when the reply is done, failed, or refused. */
  Future<Void> message(JsonObject payload) {
    finished = Promise.promise();
    Promise<Void> mine = finished;
    // the send time is read on the socket's own event loop, just before the frame is written, so
    // that the burst's queueing inside this tool is not charged to the server
    context.runOnContext(
        v -> {
          sentNs = System.nanoTime();
          emit("companion:message", payload)
              .onSuccess(
                  a -> {
                    ackNs = System.nanoTime();
                    ok = ok(a);
                    if (!ok) {
                      JsonObject err = a.getJsonObject("error", new JsonObject());
                      errorCode = err.getString("code");
                      retryAfter = err.getValue("retryAfter");
                      mine.tryComplete();
                    }
                  });
        });
    return mine.future();
  }

  private void frame(String f) {
    long now = System.nanoTime();
    if (f.isEmpty()) {
      return;
    }
    char t = f.charAt(0);
    if (t == '0') {
      socket.writeTextMessage("40{\"token\":\"" + jwt + "\"}");
    } else if (t == '2') {
      socket.writeTextMessage("3");
    } else if (t == '4' && f.length() > 1) {
      socketIoPacket(f, now);
    }
  }

  /** A Socket.IO packet ({@code 4<type>...}) that arrived at {@code now}. */
  private void socketIoPacket(String f, long now) {
    char s = f.charAt(1);
    if (s == '0') {
      connected.tryComplete();
    } else if (s == '4') {
      connected.tryFail("connect refused: " + f);
    } else if (s == '3') {
      int i = afterId(f);
      int id = Integer.parseInt(f.substring(2, i));
      Promise<JsonObject> p = acks.remove(id);
      if (p != null) {
        Object a = new JsonArray(f.substring(i)).getValue(0);
        p.tryComplete(
            a instanceof JsonObject o
                ? o
                : new JsonObject().put("ok", false).put("raw", String.valueOf(a)));
      }
    } else if (s == '2') {
      JsonArray ev = new JsonArray(f.substring(afterId(f)));
      event(ev.getString(0), ev.size() > 1 ? ev.getValue(1) : null, now);
    }
  }

  /** Where the packet's ack id (digits after the type) ends. */
  private static int afterId(String f) {
    int i = 2;
    while (i < f.length() && Character.isDigit(f.charAt(i))) {
      i++;
    }
    return i;
  }

  private void event(String name, Object arg, long now) {
    Promise<Void> p = finished;
    switch (name) {
      case "companion:token" -> {
        if (firstTokenNs == 0) {
          firstTokenNs = now;
        }
      }
      case "companion:done" -> {
        doneNs = now;
        if (p != null) {
          p.tryComplete();
        }
      }
      case "companion:error" -> {
        replyError =
            arg instanceof JsonObject o && o.getJsonObject("error") != null
                ? o.getJsonObject("error").getString("code")
                : String.valueOf(arg);
        if (p != null) {
          p.tryComplete();
        }
      }
      default -> {}
    }
  }
}
