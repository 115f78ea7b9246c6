package chat.nexus.testing;

import chat.nexus.ChatServer;
import chat.nexus.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A real {@link ChatServer} on 127.0.0.1, port 0, with a temp DATA_DIR and a known JWT secret, on
 * H2 or PostgreSQL. {@link #close()} always stops it and removes its data (schema or directory),
 * even when the start failed half-way.
 */
public final class TestServer implements AutoCloseable {

  public static final String SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

  private final ChatServer server;
  private final Path dataDir;
  private final Backend.Prepared database;
  private final List<Client> clients = new ArrayList<>();

  private TestServer(ChatServer server, Path dataDir, Backend.Prepared database) {
    this.server = server;
    this.dataDir = dataDir;
    this.database = database;
  }

  public static TestServer start() {
    return start(Backend.H2, Map.of());
  }

  public static TestServer start(Backend backend) {
    return start(backend, Map.of());
  }

  /**
   * Starts a server; {@code overrides} are extra environment variables (JSON_LIMIT, ALLOW_GUESTS,
   * ...).
   */
  public static TestServer start(Backend backend, Map<String, String> overrides) {
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("nexus-test-");
    } catch (IOException e) {
      throw new AssertionError("cannot create a temp DATA_DIR", e);
    }
    Backend.Prepared database = null;
    try {
      database = backend.prepare();
      Map<String, String> env = new HashMap<>();
      env.put("PORT", "0");
      env.put("HOST", "127.0.0.1");
      env.put("JWT_SECRET", SECRET);
      env.put("DATA_DIR", dataDir.toString());
      env.put("EVENT_LOOPS", "2");
      env.put("DB_POOL_SIZE", "8");
      env.putAll(database.env());
      env.putAll(overrides);
      return new TestServer(ChatServer.start(ServerConfig.from(env)), dataDir, database);
    } catch (Throwable e) {
      if (database != null) {
        database.close();
      }
      deleteTree(dataDir);
      if (e instanceof AssertionError a) {
        throw a;
      }
      throw new AssertionError("the chat server did not start: " + e, e);
    }
  }

  public int port() {
    return server.port();
  }

  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  public ChatServer chatServer() {
    return server;
  }

  /** A gauge's or counter's value as /metrics shows it ("1.0"), or "missing". */
  public String metric(String name) {
    return rest()
        .get("/metrics", null)
        .body()
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .map(l -> l.substring(name.length() + 1))
        .findFirst()
        .orElse("missing");
  }

  public Rest rest() {
    return new Rest(url());
  }

  /** A signed-in guest: its token response ({token, refreshToken, user}). */
  public JsonObject guest(String name) {
    Rest.Response response = rest().post("/api/auth/guest", new JsonObject().put("name", name));
    if (response.status() != 201) {
      throw new AssertionError("guest sign-in failed: " + response);
    }
    return response.json();
  }

  /** A connected socket of a new guest. */
  public Client connectGuest(String name) {
    JsonObject guest = guest(name);
    return connect(guest.getString("token"));
  }

  /** A connected socket with this token (closed with the server). */
  public Client connect(String token) {
    Client client = Client.connect(url(), token);
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /**
   * Completes once the server has handled the disconnection of that socket (its presence updated).
   */
  public CompletableFuture<String> serverDisconnect(String socketId) {
    chat.nexus.socketio.Socket socket = server.io().sockets().socket(socketId);
    if (socket == null) {
      throw new AssertionError("no server-side socket " + socketId);
    }
    CompletableFuture<String> registered = new CompletableFuture<>();
    CompletableFuture<String> gone = new CompletableFuture<>();
    // Socket handlers are not thread-safe: register on the socket's own event loop, after
    // ChatEvents' one.
    socket
        .writeLoop()
        .execute(
            () -> {
              socket.onDisconnect(gone::complete);
              registered.complete("registered");
            });
    Waits.get(registered, "registering a disconnect handler");
    return gone;
  }

  /** Rows of a query on the server's own database (for checks such as "stored exactly once"). */
  public List<Map<String, Object>> query(String sql, Object... params) {
    try (Connection c = server.database().connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> row = new HashMap<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
          }
          rows.add(row);
        }
        return rows;
      }
    } catch (Exception e) {
      throw new AssertionError("query failed: " + sql, e);
    }
  }

  /**
   * Runs an UPDATE or DELETE on the server's own database (to age a row, say); the rows changed.
   */
  public int update(String sql, Object... params) {
    try (Connection c = server.database().connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    } catch (Exception e) {
      throw new AssertionError("update failed: " + sql, e);
    }
  }

  public long count(String sql, Object... params) {
    return ((Number) query(sql, params).get(0).values().iterator().next()).longValue();
  }

  @Override
  public void close() {
    try {
      synchronized (clients) {
        clients.forEach(Client::close);
        clients.clear();
      }
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      database.close();
      deleteTree(dataDir);
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is not worth failing a test for
    }
  }
}
