package chat.nexus.bench;

import chat.nexus.engineio.OutFrame;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import chat.nexus.socketio.adapter.LocalSockets;
import chat.nexus.socketio.adapter.Recipient;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.redis.RedisAdapterFactory;
import chat.nexus.socketio.redis.RedisAdapterOptions;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * One simulated node of a cluster: a Socket.IO server with its own Redis adapter (its own Redis
 * connections), whose room members are stand-in sockets that count the frames handed to them. The
 * adapter's whole path runs (Redis, decoding, the room lookup, encoding the frames once); only the
 * socket writes are left out, since they cost the same with either adapter.
 */
final class BenchNode {

  private final Vertx vertx;
  private final RedisAdapterFactory factory;
  private final Namespace namespace;
  private final Map<String, Recipient> sockets = new ConcurrentHashMap<>();
  private final LongAdder frames = new LongAdder();
  private final LongAdder received = new LongAdder();

  /**
   * @param onReceive called with the sequence number of each broadcast from another node that this
   *     node's local adapter is handed
   */
  BenchNode(Vertx vertx, String redisUrl, String key, boolean sharded, LongConsumer onReceive) {
    this.vertx = vertx;
    this.factory =
        RedisAdapterFactory.create(
            vertx, RedisAdapterOptions.builder(redisUrl).key(key).sharded(sharded).build());
    LocalSockets local =
        new LocalSockets() {
          @Override
          public Recipient socket(String id) {
            return sockets.get(id);
          }

          @Override
          public Map<String, ? extends Recipient> sockets() {
            return sockets;
          }
        };
    SocketIoServer io =
        SocketIoServer.create(
            vertx,
            SocketIoOptions.builder()
                .adapterFactory(factory)
                .localAdapter(nsp -> new Receiving(local, vertx, onReceive))
                .build());
    this.namespace = io.sockets();
  }

  Vertx vertx() {
    return vertx;
  }

  Future<Void> firstUp() {
    return factory.firstUp();
  }

  /** Puts {@code members} stand-in sockets of this node in the room. */
  void join(String room, int members) {
    for (int i = 0; i < members; i++) {
      String id = room + "/" + i + "@" + System.identityHashCode(this);
      sockets.put(id, new Counted(id));
      namespace.adapter().addAll(id, Set.of(room));
    }
  }

  /** Broadcasts to a room of the cluster, as the chat server does for a message. */
  void emit(String room, JsonObject message) {
    namespace.to(room).emit("msg", message);
  }

  /** Frames handed to this node's sockets. */
  long frames() {
    return frames.sum();
  }

  /** Broadcasts from other nodes handed to this node's local adapter. */
  long received() {
    return received.sum();
  }

  Future<Void> close() {
    return factory.closeAsync();
  }

  /** The local adapter: notes each broadcast from another node before delivering it. */
  private final class Receiving extends InMemoryAdapter {
    private final LongConsumer onReceive;

    Receiving(LocalSockets sockets, Vertx vertx, LongConsumer onReceive) {
      super(sockets, vertx);
      this.onReceive = onReceive;
    }

    @Override
    public void broadcast(Packet packet, BroadcastOptions options) {
      if (packet.data() instanceof JsonArray data
          && data.getValue(1) instanceof JsonObject message
          && message.getValue("seq") instanceof Number seq) {
        received.increment();
        onReceive.accept(seq.longValue());
      }
      super.broadcast(packet, options);
    }
  }

  /** A socket that takes the frames without writing them. */
  private final class Counted implements Recipient {
    private final String id;

    Counted(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public EventExecutor writeLoop() {
      return ImmediateEventExecutor.INSTANCE;
    }

    @Override
    public boolean isWritable() {
      return true;
    }

    @Override
    public void sendFrames(List<OutFrame> out) {
      frames.increment();
    }

    @Override
    public void sendWithAck(List<OutFrame> out, long ackId, Promise<JsonArray> ack) {
      frames.increment();
      ack.tryFail("stand-in socket");
    }

    @Override
    public void disconnect(boolean close) {}
  }
}
