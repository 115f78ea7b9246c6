package chat.nexus.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat server as a child process (chat.nexus.Main on the test class path) on 127.0.0.1 and a
 * port of its choosing, with the test's JWT secret; for what only a real process shows: SIGKILL,
 * exit codes and its whole log output. {@link #close()} kills it if it still runs.
 */
public final class ServerProcess implements AutoCloseable {

  /** A JVM start plus migrations on a loaded 2-core box. */
  public static final long START_TIMEOUT_S = 90;

  private static final Pattern LISTENING =
      Pattern.compile("Nexus Chat listening on 127\\.0\\.0\\.1:(\\d+)");

  private final ChildProcess process;
  private final int port;

  private ServerProcess(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * The server's environment: data in {@code dataDir}, then {@code env} on top (DATABASE_URL, ...).
   */
  public static Map<String, String> env(Path dataDir, Map<String, String> env) {
    Map<String, String> all = new HashMap<>();
    all.put("PORT", "0");
    all.put("HOST", "127.0.0.1");
    all.put("JWT_SECRET", TestServer.SECRET);
    all.put("DATA_DIR", dataDir.toString());
    all.put("EVENT_LOOPS", "2");
    all.put("APP_ENV", "development");
    // SIGTERM stops at once unless a test asks for a drain's grace and waves
    all.put("DRAIN_GRACE_MS", "0");
    all.put("DRAIN_CLOSE_MS", "0");
    all.putAll(env);
    return all;
  }

  /** Starts the server and waits for its start-up line. */
  public static ServerProcess start(Path workDir, Map<String, String> env) {
    return whenListening(ChildProcess.java(workDir, env, "chat.nexus.Main"));
  }

  /**
   * Waits for the start-up line of a server process already started; if it does not come, the
   * process is killed and the error carries its output.
   */
  public static ServerProcess whenListening(ChildProcess process) {
    try {
      String line =
          Waits.get(
              process.line(l -> LISTENING.matcher(l).find()),
              START_TIMEOUT_S,
              "the server to listen");
      Matcher m = LISTENING.matcher(line);
      if (!m.find()) {
        throw new AssertionError("no port in " + line);
      }
      return new ServerProcess(process, Integer.parseInt(m.group(1)));
    } catch (RuntimeException | AssertionError e) {
      process.close();
      throw new AssertionError(e.getMessage() + "\n---- its output ----\n" + process.output(), e);
    }
  }

  public ChildProcess process() {
    return process;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Rest rest() {
    return new Rest(url());
  }

  /** Every message of a room, read through REST page by page, oldest last. */
  public List<JsonObject> history(String roomId, String token) {
    List<JsonObject> all = new ArrayList<>();
    Long before = null;
    while (true) {
      JsonArray page =
          rest()
              .get(
                  "/api/rooms/"
                      + roomId
                      + "/messages?limit=100"
                      + (before == null ? "" : "&before=" + before),
                  token)
              .assertOk(200)
              .getJsonArray("messages");
      if (page.isEmpty()) {
        return all;
      }
      for (int i = 0; i < page.size(); i++) {
        all.add(page.getJsonObject(i));
      }
      before = page.getJsonObject(page.size() - 1).getLong("id");
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
