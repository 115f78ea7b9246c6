package chat.nexus.socketio.adapter;

import chat.nexus.engineio.OutFrame;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A socket as an adapter sees it, recording what it is sent; no connection behind it. */
final class FakeRecipient implements Recipient {

  private final String id;
  private final EventExecutor loop;
  volatile boolean writable = true;
  volatile Boolean disconnectedWithClose;

  /** Each write: the frames, in order. */
  final List<List<OutFrame>> writes = new CopyOnWriteArrayList<>();

  /** Whether each write ran on this recipient's loop. */
  final List<Boolean> writesOnLoop = new CopyOnWriteArrayList<>();

  final Map<Long, Promise<JsonArray>> acks = new ConcurrentHashMap<>();

  FakeRecipient(String id) {
    this(id, ImmediateEventExecutor.INSTANCE);
  }

  FakeRecipient(String id, EventExecutor loop) {
    this.id = id;
    this.loop = loop;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public EventExecutor writeLoop() {
    return loop;
  }

  @Override
  public boolean isWritable() {
    return writable;
  }

  @Override
  public void sendFrames(List<OutFrame> frames) {
    writesOnLoop.add(loop.inEventLoop());
    writes.add(frames);
  }

  @Override
  public void sendWithAck(List<OutFrame> frames, long ackId, Promise<JsonArray> ack) {
    acks.put(ackId, ack);
    writes.add(frames);
  }

  @Override
  public void disconnect(boolean close) {
    disconnectedWithClose = close;
  }

  /** The text of each packet received ("2[...]" for an event of the main namespace). */
  List<String> packets() {
    return writes.stream().map(frames -> frames.get(0).text().substring(1)).toList();
  }

  /** The arguments of each event received (its name first). */
  List<JsonArray> events() {
    return packets().stream()
        .map(packet -> new JsonArray(packet.substring(packet.indexOf('['))))
        .toList();
  }
}
