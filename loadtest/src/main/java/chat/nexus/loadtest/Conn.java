package chat.nexus.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;

/** One Socket.IO client connection; every callback runs on the event loop that owns its socket. */
final class Conn {
  final Swarm swarm;
  final int room;
  volatile WebSocket ws;
  volatile boolean ready;
  private volatile boolean done;
  private Buffer partial;

  Conn(Swarm swarm, int room) {
    this.swarm = swarm;
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
        else if (type == '0') onConnected();
        else if (type == '4') fail(); // CONNECT_ERROR
        else if (type == '1') ws.close(); // server-side disconnect
      }
      case '0' -> ws.writeTextMessage(swarm.connectPacket(room)); // Engine.IO open
      case '1' -> ws.close();
      default -> { }
    }
  }

  private void onConnected() {
    if (ready || done) return;
    ready = true;
    swarm.onReady(this);
  }

  private void fail() {
    if (!ready && !done) {
      done = true;
      swarm.onFailed();
    }
    ws.close();
  }

  /** Handshake did not finish in time. */
  void timeout() {
    if (!ready && !done) fail();
  }

  private void onClose() {
    if (done) return;
    done = true;
    if (ready) swarm.onClosed(this);
    else swarm.onFailed();
  }
}
