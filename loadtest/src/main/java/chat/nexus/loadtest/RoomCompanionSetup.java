package chat.nexus.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Before a chat run with {@code --companion-mentions}: one owner ({@value #OWNER}) creates each
 * room of the run and adds the companion to it, over one Socket.IO connection, so that the run's
 * messages can call it. Rooms that exist already (made by an earlier run of this owner) keep their
 * companion; a room another user made answers FORBIDDEN and stops the run.
 */
final class RoomCompanionSetup {

  static final String OWNER = "lt-owner";
  private static final long STEP_S = 15;

  private RoomCompanionSetup() {}

  static void prepare(String url, String secret, int rooms, String characterId, String handle)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      String base = Spec.httpBase(url).replaceFirst("^http", "ws");
      WebSocket ws =
          await(
              vertx
                  .createWebSocketClient()
                  .connect(
                      new WebSocketConnectOptions()
                          .setAbsoluteURI(base + "/socket.io/?EIO=4&transport=websocket")));
      BlockingQueue<String> in = new LinkedBlockingQueue<>();
      ws.textMessageHandler(
          text -> {
            if (text.equals("2")) ws.writeTextMessage("3"); // Engine.IO ping
            else in.add(text);
          });
      next(in, "0");
      long exp = System.currentTimeMillis() / 1000 + ChatProtocol.TOKEN_TTL.toSeconds();
      String token = Jwt.user(secret.getBytes(StandardCharsets.UTF_8), OWNER, "Owner", exp);
      ws.writeTextMessage(Frames.connect("{\"token\":\"" + token + "\"}"));
      next(in, "40");
      int ack = 0;
      for (int r = 0; r < rooms; r++) {
        String room = Frames.roomName(r);
        String created = call(ws, in, ++ack, "[\"room:create\",{\"name\":\"" + room + "\"}]");
        if (!ok(created) && !created.contains("CONFLICT")) {
          throw new IllegalStateException("room:create " + room + ": " + created);
        }
        String added =
            call(
                ws,
                in,
                ++ack,
                "[\"room:companion:add\",{\"roomId\":\""
                    + room
                    + "\",\"characterId\":\""
                    + characterId
                    + "\"}]");
        if (!ok(added)) {
          throw new IllegalStateException("room:companion:add " + room + ": " + added);
        }
        if (!added.contains("\"handle\":\"" + handle + "\"")) {
          throw new IllegalStateException(
              "the companion does not answer to @" + handle + " (--companion-handle): " + added);
        }
      }
      ws.close();
    } finally {
      vertx.close();
    }
  }

  private static boolean ok(String ack) {
    return ack.contains("\"ok\":true");
  }

  private static String call(WebSocket ws, BlockingQueue<String> in, int id, String event)
      throws InterruptedException {
    ws.writeTextMessage("42" + id + event);
    String prefix = "43" + id + "[";
    while (true) {
      String packet = next(in, "4");
      if (packet.startsWith(prefix)) return packet;
    }
  }

  private static String next(BlockingQueue<String> in, String prefix) throws InterruptedException {
    while (true) {
      String packet = in.poll(STEP_S, TimeUnit.SECONDS);
      if (packet == null) throw new IllegalStateException("no answer from the server");
      if (packet.startsWith("44")) throw new IllegalStateException("refused: " + packet);
      if (packet.startsWith(prefix)) return packet;
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(STEP_S, TimeUnit.SECONDS);
  }
}
