package chat.nexus.socketio;

import chat.nexus.engineio.EngineIoOptions;
import chat.nexus.socketio.adapter.Adapter;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import chat.nexus.socketio.adapter.PersistedSession;
import chat.nexus.socketio.adapter.SessionAwareAdapter;
import chat.nexus.socketio.parser.PacketDecoder;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Socket.IO server settings on top of the Engine.IO ones. Immutable; build with {@link #builder()}.
 * Defaults are the reference server's unless noted.
 */
public final class SocketIoOptions {

  /** The reference server's mount path. */
  public static final String DEFAULT_PATH = "/socket.io/";

  /** A connection that joins no namespace within this time is closed. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 45_000;

  /** Off by default: sessions are not kept after a disconnection. */
  public static final long DEFAULT_MAX_DISCONNECTION_DURATION_MS = 0;

  /** Suggested value when turning recovery on, the reference server's: two minutes. */
  public static final long RECOMMENDED_MAX_DISCONNECTION_DURATION_MS = 120_000;

  /**
   * Heap the recovery log may hold for missed packets (estimated from their contents), besides its
   * 100,000-packet cap: at 4,000-character messages the count alone allows about 0.8 GB. 64 MiB
   * keeps two minutes of a busy node's ordinary chat (100,000 packets of 300 bytes is about 30 MB);
   * past it the oldest packets go first and a client that missed them reconnects as a new session.
   */
  public static final long DEFAULT_MAX_RECOVERY_LOG_BYTES = 64L * 1024 * 1024;

  private final EngineIoOptions engine;
  private final long connectTimeoutMs;
  private final long maxDisconnectionDurationMs;
  private final boolean recoverySkipsMiddlewares;
  private final BiPredicate<PersistedSession, Socket> recoveryCheck;
  private final int maxAttachments;
  private final long maxRecoveryLogBytes;
  private final Function<Namespace, Adapter> adapterFactory;
  private final Function<Namespace, InMemoryAdapter> localAdapterFactory;

  private SocketIoOptions(Builder b) {
    this.engine = b.engine.build();
    if (b.connectTimeoutMs <= 0) {
      throw new IllegalArgumentException(
          "connectTimeoutMs must be positive, got " + b.connectTimeoutMs);
    }
    if (b.maxDisconnectionDurationMs < 0) {
      throw new IllegalArgumentException("maxDisconnectionDurationMs must not be negative");
    }
    if (b.maxAttachments < 0) {
      throw new IllegalArgumentException("maxAttachments must not be negative");
    }
    this.connectTimeoutMs = b.connectTimeoutMs;
    this.maxDisconnectionDurationMs = b.maxDisconnectionDurationMs;
    this.recoverySkipsMiddlewares = b.recoverySkipsMiddlewares;
    if (b.maxRecoveryLogBytes <= 0) {
      throw new IllegalArgumentException(
          "maxRecoveryLogBytes must be positive, got " + b.maxRecoveryLogBytes);
    }
    this.recoveryCheck = b.recoveryCheck;
    this.maxAttachments = b.maxAttachments;
    this.maxRecoveryLogBytes = b.maxRecoveryLogBytes;
    this.localAdapterFactory = b.localAdapterFactory;
    this.adapterFactory = b.adapterFactory != null ? b.adapterFactory : this::localAdapter;
  }

  public static Builder builder() {
    return new Builder();
  }

  public EngineIoOptions engine() {
    return engine;
  }

  public long connectTimeoutMs() {
    return connectTimeoutMs;
  }

  /** How long a disconnected session (id, rooms, missed packets) is kept; 0 turns recovery off. */
  public long maxDisconnectionDurationMs() {
    return maxDisconnectionDurationMs;
  }

  public boolean recoveryEnabled() {
    return maxDisconnectionDurationMs > 0;
  }

  /** Whether a recovered socket skips the middlewares (the reference server's skipMiddlewares). */
  public boolean recoverySkipsMiddlewares() {
    return recoverySkipsMiddlewares;
  }

  /**
   * Whether a socket may take over the session it asks to recover; asked after the middlewares ran
   * on it (when they are not skipped), with the session as it was kept and the socket as the
   * middlewares left it. When it says no, the client is connected as a new session instead (new id,
   * no rooms, no missed packets), and the middlewares run again for it.
   */
  public BiPredicate<PersistedSession, Socket> recoveryCheck() {
    return recoveryCheck;
  }

  /**
   * Most binary attachments one packet may announce; 0 refuses binary packets (the connection is
   * closed).
   */
  public int maxAttachments() {
    return maxAttachments;
  }

  /** Estimated heap bytes of the packets the recovery log keeps. */
  public long maxRecoveryLogBytes() {
    return maxRecoveryLogBytes;
  }

  /** Makes each namespace's adapter; by default {@link #localAdapter}. */
  public Function<Namespace, Adapter> adapterFactory() {
    return adapterFactory;
  }

  /**
   * The adapter that keeps a namespace's rooms and delivers its broadcasts on this node: a {@link
   * SessionAwareAdapter} when recovery is on, else an {@link InMemoryAdapter}. The default adapter;
   * a cluster adapter delivers on this node through one. The builder's {@link Builder#localAdapter}
   * replaces it.
   */
  public InMemoryAdapter localAdapter(Namespace namespace) {
    if (localAdapterFactory != null) {
      return localAdapterFactory.apply(namespace);
    }
    return recoveryEnabled()
        ? new SessionAwareAdapter(
            namespace, namespace.server().vertx(), maxDisconnectionDurationMs, maxRecoveryLogBytes)
        : new InMemoryAdapter(namespace, namespace.server().vertx());
  }

  /** Builder with the defaults above; the Engine.IO path defaults to {@value #DEFAULT_PATH}. */
  public static final class Builder {
    private final EngineIoOptions.Builder engine = EngineIoOptions.builder().path(DEFAULT_PATH);
    private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    private long maxDisconnectionDurationMs = DEFAULT_MAX_DISCONNECTION_DURATION_MS;
    private boolean recoverySkipsMiddlewares = true;
    private BiPredicate<PersistedSession, Socket> recoveryCheck = (session, socket) -> true;
    private int maxAttachments = PacketDecoder.DEFAULT_MAX_ATTACHMENTS;
    private long maxRecoveryLogBytes = DEFAULT_MAX_RECOVERY_LOG_BYTES;
    private Function<Namespace, Adapter> adapterFactory; // null: localAdapter
    private Function<Namespace, InMemoryAdapter> localAdapterFactory; // null: the default

    private Builder() {}

    /** The Engine.IO settings (path, heartbeat, payload and buffer limits, CORS, allowRequest). */
    public EngineIoOptions.Builder engine() {
      return engine;
    }

    public Builder connectTimeoutMs(long value) {
      this.connectTimeoutMs = value;
      return this;
    }

    public Builder maxDisconnectionDurationMs(long value) {
      this.maxDisconnectionDurationMs = value;
      return this;
    }

    public Builder recoverySkipsMiddlewares(boolean value) {
      this.recoverySkipsMiddlewares = value;
      return this;
    }

    /**
     * See {@link SocketIoOptions#recoveryCheck()}; by default every socket may recover its session.
     */
    public Builder recoveryCheck(BiPredicate<PersistedSession, Socket> value) {
      this.recoveryCheck = Objects.requireNonNull(value, "recoveryCheck");
      return this;
    }

    public Builder maxAttachments(int value) {
      this.maxAttachments = value;
      return this;
    }

    public Builder maxRecoveryLogBytes(long value) {
      this.maxRecoveryLogBytes = value;
      return this;
    }

    public Builder adapterFactory(Function<Namespace, Adapter> value) {
      this.adapterFactory = Objects.requireNonNull(value, "adapterFactory");
      return this;
    }

    /**
     * Makes the adapter that delivers on this node (by default an {@link InMemoryAdapter}, or a
     * {@link SessionAwareAdapter} with recovery on): for an adapter that reaches its sockets in
     * another way, or a benchmark that counts what a cluster adapter hands to this node.
     */
    public Builder localAdapter(Function<Namespace, InMemoryAdapter> value) {
      this.localAdapterFactory = Objects.requireNonNull(value, "localAdapter");
      return this;
    }

    public SocketIoOptions build() {
      return new SocketIoOptions(this);
    }
  }
}
