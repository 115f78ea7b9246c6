package chat.nexus;

import chat.nexus.auth.SocketAuthentication;
import chat.nexus.config.Config;
import chat.nexus.engineio.CorsOptions;
import chat.nexus.http.ConnectionGuard;
import chat.nexus.http.ConnectionLimits;
import chat.nexus.http.HttpApi;
import chat.nexus.http.HttpListeners;
import chat.nexus.observability.Metrics;
import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.redis.RedisAdapterFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The chat port from the settings: the Socket.IO server's options and the HTTP listeners. */
final class ChatPort {

  /**
   * The chat never sends binary, so a packet announcing attachments is refused before any is
   * buffered.
   */
  static final int NO_BINARY = 0;

  /** HANDSHAKES_PER_ADDRESS_PER_MINUTE counts in one-minute windows. */
  static final long HANDSHAKE_WINDOW_MS = 60_000;

  private ChatPort() {}

  /**
   * Recovery authenticates again (a {pid, offset} is no credential) and restores only the same
   * user's session.
   */
  static SocketIoOptions socketOptions(ServerConfig settings, Optional<RedisAdapterFactory> redis) {
    Config config = settings.core();
    ConnectionLimits limits = settings.connections();
    SocketIoOptions.Builder options =
        SocketIoOptions.builder()
            .maxDisconnectionDurationMs(SocketIoOptions.RECOMMENDED_MAX_DISCONNECTION_DURATION_MS)
            .connectTimeoutMs(limits.authTimeoutMs())
            .maxAttachments(NO_BINARY)
            .recoverySkipsMiddlewares(false)
            .recoveryCheck(SocketAuthentication::sameUser);
    options
        .engine()
        .clientAddress(settings.addresses()::keyOf)
        .handshakeRate(limits.handshakesPerAddressPerMinute(), HANDSHAKE_WINDOW_MS)
        .maxPendingSessionsPerAddress(limits.maxPendingSessionsPerAddress())
        .maxPayload(config.jsonLimitBytes())
        .cors(
            config.corsOrigins().isEmpty()
                ? new CorsOptions(List.of("*"), true)
                : new CorsOptions(config.corsOrigins(), true));
    redis.ifPresent(options::adapterFactory);
    return options.build();
  }

  /** The chat port: one HTTP server per event loop, each connection counted and watched. */
  static Future<HttpListeners> listen(
      Vertx vertx, ServerConfig settings, SocketIoServer io, Router router, Metrics metrics) {
    Config config = settings.core();
    ConnectionLimits limits = settings.connections();
    HttpServerOptions http =
        SocketIoServer.httpServerOptions(
            io.options(),
            new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setIdleTimeout((int) limits.idleTimeoutMs())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    ConnectionGuard guard = new ConnectionGuard(limits, settings.addresses(), HttpApi.HEALTH_PATHS);
    return HttpListeners.start(
        vertx,
        http,
        metrics.http().socketIo(io.options().engine().path(), io.requestHandler(router)),
        guard.connectionHandler(),
        config.eventLoops());
  }
}
