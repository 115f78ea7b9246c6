package chat.nexus;

import chat.nexus.admin.AdminOptions;
import chat.nexus.admin.AdminUiSettings;
import chat.nexus.auth.AuthOptions;
import chat.nexus.cluster.RedisCluster;
import chat.nexus.config.Config;
import chat.nexus.config.ConfigException;
import chat.nexus.config.Environment;
import chat.nexus.http.ConnectionLimits;
import chat.nexus.llm.LlmOptions;
import chat.nexus.observability.MetricsOptions;
import chat.nexus.ops.DrainOptions;
import chat.nexus.ops.RebalanceOptions;
import chat.nexus.ratelimit.ClientAddress;
import chat.nexus.socketio.redis.RedisAdapterOptions;
import chat.nexus.store.DatabaseOptions;
import chat.nexus.telemetry.TelemetryOptions;
import chat.nexus.uploads.UploadOptions;
import chat.nexus.web.StaticOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything the chat server reads from its environment, read once before anything starts: the core
 * {@link Config} and each capability's options. Every bad value, wherever it belongs, is one line
 * of the one {@link ConfigException}.
 *
 * @param core the server's core settings
 * @param auth tokens, password hashing, login limits
 * @param database start-up wait and queue of the database
 * @param metrics who may read /metrics, and where
 * @param llm the LLM gateway (Config's LLM settings plus its own)
 * @param connections per-connection and per-address limits
 * @param addresses the client address of a request, with TRUST_PROXY's proxies
 * @param cluster the Socket.IO Redis adapter, when REDIS_URL is set
 * @param admin the operator's credentials for the admin surface
 * @param statics where browsers fetch the web client's files from (STATIC_BASE_URL)
 * @param adminUi what the Socket.IO Admin UI may see and do
 * @param telemetry where errors (Sentry) and traces (OpenTelemetry) go, if anywhere
 * @param drain how the node leaves the cluster (DRAIN_GRACE_MS, DRAIN_CLOSE_MS)
 * @param rebalance when the node moves clients to the others (REBALANCE...)
 * @param uploads files and images sent to rooms (UPLOAD_...), and where they are kept
 */
public record ServerConfig(
    Config core,
    AuthOptions auth,
    DatabaseOptions database,
    MetricsOptions metrics,
    LlmOptions llm,
    ConnectionLimits connections,
    ClientAddress addresses,
    Optional<RedisAdapterOptions> cluster,
    AdminOptions admin,
    StaticOptions statics,
    AdminUiSettings adminUi,
    TelemetryOptions telemetry,
    DrainOptions drain,
    RebalanceOptions rebalance,
    UploadOptions uploads) {

  /** Reads the process environment and ./.env ({@link Environment}). */
  public static ServerConfig load() {
    return from(Environment.variables());
  }

  /** Reads a map of variables; throws {@link ConfigException} listing every bad value. */
  public static ServerConfig from(Map<String, String> env) {
    Problems problems = new Problems();
    Config core = problems.read(() -> Config.from(env));
    AuthOptions auth = problems.read(() -> AuthOptions.fromEnv(env));
    DatabaseOptions database = problems.read(() -> DatabaseOptions.fromEnv(env));
    MetricsOptions metrics = problems.read(() -> MetricsOptions.fromEnv(env));
    AdminOptions admin = problems.read(() -> AdminOptions.fromEnv(env));
    StaticOptions statics = problems.read(() -> StaticOptions.fromEnv(env));
    TelemetryOptions telemetry = problems.read(() -> TelemetryOptions.fromEnv(env));
    DrainOptions drain = problems.read(() -> DrainOptions.fromEnv(env));
    RebalanceOptions rebalance = problems.read(() -> RebalanceOptions.fromEnv(env));
    UploadOptions uploads = problems.read(() -> UploadOptions.fromEnv(env));
    problems.check(); // the options below depend on the core settings
    LlmOptions llm = problems.read(() -> LlmOptions.from(core).withEnv(env));
    ConnectionLimits connections =
        problems.read(() -> ConnectionLimits.from(env, core.rateLimitEnabled()));
    ClientAddress addresses = problems.read(() -> trustedProxies(core));
    Optional<RedisAdapterOptions> cluster = problems.read(() -> RedisCluster.options(core, env));
    AdminUiSettings adminUi = problems.read(() -> AdminUiSettings.fromEnv(env, core.production()));
    problems.check();
    return new ServerConfig(
        core,
        auth,
        database,
        metrics,
        llm,
        connections,
        addresses,
        cluster,
        admin,
        statics,
        adminUi,
        telemetry,
        drain,
        rebalance,
        uploads);
  }

  private static ClientAddress trustedProxies(Config core) {
    try {
      return new ClientAddress(core.trustProxy());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(List.of(e.getMessage()));
    }
  }

  /** The problem lines of every part read so far. */
  private static final class Problems {
    private final List<String> lines = new ArrayList<>();

    /** The part, or null when it has bad values (their lines are kept). */
    <T> T read(Supplier<T> part) {
      try {
        return part.get();
      } catch (ConfigException e) {
        lines.addAll(e.problems());
        return null;
      }
    }

    void check() {
      if (!lines.isEmpty()) {
        throw new ConfigException(lines);
      }
    }
  }
}
