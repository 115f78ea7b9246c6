package chat.nexus.ops;

import chat.nexus.admin.AdminOptions;
import chat.nexus.config.ConfigException;
import chat.nexus.config.Environment;
import chat.nexus.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Drains the node on this machine and returns once it has closed its sockets: the Kubernetes
 * preStop hook ({@code java -cp nexus-chat.jar chat.nexus.ops.Drain}). It reads the node's own
 * environment (PORT, ADMIN_USERNAME, ADMIN_PASSWORD, DRAIN_GRACE_MS, DRAIN_CLOSE_MS) and calls
 * {@code POST /api/admin/drain?wait=true} on 127.0.0.1 (or HOST when the node listens on one
 * address only). Without ADMIN_PASSWORD it returns at once: SIGTERM drains the node all the same.
 * Exits 0 when the node drained (or the admin surface is off), 1 otherwise; never prints the
 * password.
 */
public final class Drain {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private Drain() {}

  public static void main(String[] args) {
    System.exit(run(Environment.variables()));
  }

  static int run(Map<String, String> env) {
    AdminOptions admin;
    DrainOptions drain;
    int port;
    String host;
    try {
      admin = AdminOptions.fromEnv(env);
      drain = DrainOptions.fromEnv(env);
      Settings s = new Settings(env);
      port = s.port("PORT", 8000);
      host = s.string("HOST", "0.0.0.0");
      s.check();
    } catch (ConfigException e) {
      System.err.println("drain: fix the configuration: " + String.join("; ", e.problems()));
      return 1;
    }
    if (!admin.enabled()) {
      System.out.println("drain: the admin surface is off (no ADMIN_PASSWORD); SIGTERM drains");
      return 0;
    }
    String address =
        host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()
            ? "127.0.0.1"
            : host.contains(":") ? "[" + host + "]" : host;
    URI uri = URI.create("http://" + address + ":" + port + DrainRoute.PATH + "?wait=true");
    String credentials =
        Base64.getEncoder()
            .encodeToString(
                (admin.username() + ":" + admin.password().orElseThrow())
                    .getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMillis(drain.worstCaseMs()))
            .header("Authorization", "Basic " + credentials)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status == 200) {
        System.out.println("drain: the node on port " + port + " has closed its sockets");
        return 0;
      }
      if (status == 404) {
        System.out.println("drain: the node has no admin surface; SIGTERM drains");
        return 0;
      }
      System.err.println("drain: the node answered " + status + ": " + response.body());
      return 1;
    } catch (IOException e) {
      System.err.println("drain: cannot reach the node at " + uri + ": " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
