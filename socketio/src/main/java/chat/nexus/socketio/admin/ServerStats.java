package chat.nexus.socketio.admin;

import chat.nexus.engineio.EngineSocket;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.SocketIoServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One node's {@code server_stats}, the reference instrument's shape: {@code {serverId, hostname,
 * pid, uptime, clientsCount, pollingClientsCount, aggregatedEvents, namespaces}}. The aggregated
 * events are connections and disconnections (by reason) of the shown namespaces, counted per second
 * and handed over, then forgotten, with each report; packet and byte counts are not kept (they
 * would cost a count per packet).
 */
final class ServerStats {

  private record Key(long second, String type, String subType) {}

  private final SocketIoServer io;
  private final String serverId;
  private final String hostname = hostname();
  private final long pid = ProcessHandle.current().pid();
  private final Map<Key, LongAdder> events = new ConcurrentHashMap<>();

  ServerStats(SocketIoServer io, String serverId) {
    this.io = io;
    this.serverId = serverId;
  }

  void connected() {
    count("rawConnection", null);
  }

  void disconnected(String reason) {
    count("rawDisconnection", reason);
  }

  private void count(String type, String subType) {
    long second = System.currentTimeMillis() / 1000 * 1000;
    events.computeIfAbsent(new Key(second, type, subType), k -> new LongAdder()).increment();
  }

  /** This node's figures now, and the events counted since the previous report. */
  JsonObject report() {
    int polling = 0;
    for (EngineSocket session : io.engine().sessions()) {
      if ("polling".equals(session.transportName())) {
        polling++;
      }
    }
    JsonArray namespaces = new JsonArray();
    for (Namespace namespace : io.namespaces()) {
      namespaces.add(
          new JsonObject()
              .put("name", namespace.name())
              .put("socketsCount", namespace.sockets().size()));
    }
    return new JsonObject()
        .put("serverId", serverId)
        .put("hostname", hostname)
        .put("pid", pid)
        .put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0)
        .put("clientsCount", io.engine().clientsCount())
        .put("pollingClientsCount", polling)
        .put("aggregatedEvents", drainEvents())
        .put("namespaces", namespaces);
  }

  private JsonArray drainEvents() {
    JsonArray drained = new JsonArray();
    for (Key key : events.keySet()) {
      LongAdder count = events.remove(key);
      if (count != null) {
        JsonObject event =
            new JsonObject()
                .put("timestamp", key.second())
                .put("type", key.type())
                .put("count", count.sum());
        if (key.subType() != null) {
          event.put("subType", key.subType());
        }
        drained.add(event);
      }
    }
    return drained;
  }

  private static String hostname() {
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
