package chat.nexus.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;

/** One Socket.IO client connection; every callback runs on the event loop that owns its socket. */
final class Conn {
  final Swarm swarm;
  final int client; // global index
  final int room;
  volatile WebSocket ws;
  volatile boolean ready;
  private volatile boolean done;
  private Buffer partial;
  private AckTable acks; // created by the first acked send

  Conn(Swarm swarm, int client, int room) {
    this.swarm = swarm;
    this.client = client;
    this.room = room;
  }

  void opened(WebSocket socket) {
    ws = socket;
    socket.frameHandler(this::onFrame);
    socket.closeHandler(v -> onClose());
    socket.exceptionHandler(e -> { });
  }

  boolean isOpen() {
    return ready && !done;
  }

  /** Open, and not waiting for {@link AckTable#CAPACITY} acks already. */
  boolean canSend() {
    return isOpen() && (acks == null || !acks.full());
  }

  AckTable acks() {
    if (acks == null) acks = new AckTable();
    return acks;
  }

  private void onFrame(WebSocketFrame f) {
    if (!f.isText() && !f.isContinuation()) return; // ping/pong/close frames: Vert.x handles them
    Buffer b = f.binaryData();
    if (!f.isFinal() || partial != null) {      // rare: fragmented message
      partial = partial == null ? Buffer.buffer().appendBuffer(b) : partial.appendBuffer(b);
      if (!f.isFinal()) return;
      b = partial;
      partial = null;
    }
    if (b.length() > 0) onPacket(b);
  }

  private void onPacket(Buffer b) {
    switch (b.getByte(0)) {
      case '2' -> { // Engine.IO ping -> pong
        ws.writeTextMessage(Frames.PONG);
        swarm.pongs.increment();
      }
      case '4' -> {
        byte type = b.length() > 1 ? b.getByte(1) : 0;
        if (type == '2') swarm.onEvent(b);
        else if (type == '3') swarm.onAck(this, b);
        else if (type == '0') onConnected();
        else if (type == '4') fail("connect:" + Frames.connectErrorMessage(b)); // CONNECT_ERROR
        else if (type == '1') ws.close(); // server-side disconnect
      }
      case '0' -> ws.writeTextMessage(swarm.protocol.connectPacket(client, room)); // Engine.IO open
      case '1' -> ws.close();
      default -> { }
    }
  }

  /** CONNECT acknowledged: ready now, or once the join event is acked ({@link #joined}). */
  private void onConnected() {
    if (ready || done) return;
    String join = swarm.protocol.joinPacket(room);
    if (join == null) joined();
    else ws.writeTextMessage(join);
  }

  void joined() {
    if (ready || done) return;
    ready = true;
    swarm.onReady(this);
  }

  /** The handshake (connect or join) failed for {@code reason}. */
  void fail(String reason) {
    if (!ready && !done) {
      done = true;
      swarm.onFailed(reason);
    }
    ws.close();
  }

  /** Handshake did not finish in time. */
  void timeout() {
    if (!ready && !done) fail("timeout");
  }

  private void onClose() {
    if (done) return;
    done = true;
    if (ready) swarm.onClosed(this);
    else swarm.onFailed("closed");
  }
}
