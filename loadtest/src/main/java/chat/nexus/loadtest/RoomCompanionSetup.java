package chat.nexus.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
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
    String base = Spec.httpBase(url).replaceFirst("^http", "ws");
    BlockingQueue<String> in = new LinkedBlockingQueue<>();
    // The JDK's client: the set-up is one connection, and it needs nothing of the load's Netty.
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(STEP_S))
            .buildAsync(URI.create(base + "/socket.io/?EIO=4&transport=websocket"), new Texts(in))
            .get(STEP_S, TimeUnit.SECONDS);
    try {
      next(in, "0");
      long exp = System.currentTimeMillis() / 1000 + ChatProtocol.TOKEN_TTL.toSeconds();
      String token = Jwt.user(secret.getBytes(StandardCharsets.UTF_8), OWNER, "Owner", exp);
      send(ws, Frames.connect("{\"token\":\"" + token + "\"}"));
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
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
    }
  }

  /** Whole text messages into the queue, answering the server's pings. */
  private static final class Texts implements WebSocket.Listener {
    private final BlockingQueue<String> in;
    private final StringBuilder part = new StringBuilder();

    Texts(BlockingQueue<String> in) {
      this.in = in;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      part.append(data);
      if (last) {
        String text = part.toString();
        part.setLength(0);
        if (text.equals("2")) {
          ws.sendText("3", true); // Engine.IO ping
        } else {
          in.add(text);
        }
      }
      ws.request(1);
      return null;
    }
  }

  private static void send(WebSocket ws, String text) throws Exception {
    ws.sendText(text, true).get(STEP_S, TimeUnit.SECONDS);
  }

  private static boolean ok(String ack) {
    return ack.contains("\"ok\":true");
  }

  private static String call(WebSocket ws, BlockingQueue<String> in, int id, String event)
      throws Exception {
    send(ws, "42" + id + event);
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
}
