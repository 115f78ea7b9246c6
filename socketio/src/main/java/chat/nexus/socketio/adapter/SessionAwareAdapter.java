package chat.nexus.socketio.adapter;

import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.function.LongSupplier;

/**
 * The in-memory adapter for connection state recovery: it gives each broadcast event an offset
 * (appended as its last argument) and logs it, keeps the sessions of sockets that disconnected, and
 * hands a reconnecting client its session with the events it missed. Sessions and logged packets
 * are kept for at most maxDisconnectionDuration, the log also within a byte budget (see {@link
 * RecoveryLog}).
 */
public class SessionAwareAdapter extends InMemoryAdapter {

  private final RecoveryLog log;

  /**
   * @param keepMs how long sessions and packets are kept (maxDisconnectionDuration), positive
   * @param maxLogBytes estimated heap bytes the logged packets may hold, positive
   */
  public SessionAwareAdapter(LocalSockets namespace, Vertx vertx, long keepMs, long maxLogBytes) {
    this(namespace, vertx, keepMs, maxLogBytes, System::currentTimeMillis);
  }

  SessionAwareAdapter(
      LocalSockets namespace, Vertx vertx, long keepMs, long maxLogBytes, LongSupplier clock) {
    super(namespace, vertx);
    if (keepMs <= 0 || maxLogBytes <= 0) {
      throw new IllegalArgumentException(
          "keepMs and maxLogBytes must be positive, got " + keepMs + " and " + maxLogBytes);
    }
    this.log = new RecoveryLog(keepMs, maxLogBytes, clock);
  }

  /**
   * Logs an event without ack id that is not volatile, with its offset, before delivering it: the
   * reference server's rule for which packets a recovered client gets again.
   */
  @Override
  public void broadcast(Packet packet, BroadcastOptions options) {
    if (packet.type() != PacketType.EVENT || packet.hasId() || options.volatileOnly()) {
      super.broadcast(packet, options);
      return;
    }
    // A shallow copy: the offset must not be appended to the caller's array, and the arguments
    // themselves are not changed by anyone once emitted.
    JsonArray data = new JsonArray(new ArrayList<>(((JsonArray) packet.data()).getList()));
    log.record(data, options);
    super.broadcast(new Packet(packet.type(), packet.namespace(), data, packet.id()), options);
  }

  @Override
  public void persistSession(PersistedSession session) {
    log.persist(session);
  }

  @Override
  public Future<PersistedSession> restoreSession(String pid, String offset) {
    return Future.succeededFuture(log.restore(pid, offset));
  }
}
