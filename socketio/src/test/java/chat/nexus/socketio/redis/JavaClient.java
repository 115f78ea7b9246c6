package chat.nexus.socketio.redis;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The official Java client on websocket, with a queue per event heard and blocking calls with acks.
 */
final class JavaClient implements AutoCloseable {

  static final long TIMEOUT_S = 10;

  final Socket socket;
  private final Map<String, BlockingQueue<Object[]>> events = new ConcurrentHashMap<>();
  final CompletableFuture<String> disconnected = new CompletableFuture<>();

  private JavaClient(Socket socket) {
    this.socket = socket;
  }

  static JavaClient connect(String url, String... listen) {
    IO.Options opts = new IO.Options();
    opts.forceNew = true;
    opts.reconnection = false;
    opts.transports = new String[] {"websocket"};
    JavaClient client = new JavaClient(IO.socket(URI.create(url), opts));
    for (String event : listen) {
      BlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
      client.events.put(event, queue);
      client.socket.on(
          event,
          args -> {
            if (args.length > 0 && args[args.length - 1] instanceof Ack ack) {
              ack.call("ack-from-" + event);
            }
            queue.add(args);
          });
    }
    client.socket.on(
        Socket.EVENT_DISCONNECT,
        args -> client.disconnected.complete(String.valueOf(args.length > 0 ? args[0] : null)));
    CompletableFuture<String> connected = new CompletableFuture<>();
    client.socket.once(Socket.EVENT_CONNECT, args -> connected.complete("ok"));
    client.socket.once(
        Socket.EVENT_CONNECT_ERROR,
        args -> connected.completeExceptionally(new AssertionError("connect_error")));
    client.socket.connect();
    get(connected, "connect");
    return client;
  }

  String id() {
    return socket.id();
  }

  Object call(String event, Object... args) {
    CompletableFuture<Object> ack = new CompletableFuture<>();
    socket.emit(event, args, (Ack) reply -> ack.complete(reply.length > 0 ? reply[0] : null));
    return get(ack, "ack of " + event);
  }

  /** The next arguments of that event, or null after the timeout. */
  Object[] poll(String event, long ms) {
    try {
      return events.get(event).poll(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Object[] next(String event) {
    Object[] args = poll(event, TimeUnit.SECONDS.toMillis(TIMEOUT_S));
    if (args == null) {
      throw new AssertionError("no " + event + " within " + TIMEOUT_S + " s");
    }
    return args;
  }

  static <T> T get(CompletableFuture<T> future, String what) {
    try {
      return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("waiting for " + what + ": " + e, e);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
