package chat.nexus.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys of an identity provider (JWT_JWKS_URL: Supabase's {@code
 * /auth/v1/.well-known/jwks.json}, any OIDC provider's {@code jwks_uri}), fetched with Vert.x's
 * HTTP client (never blocking), kept in a vertx-auth-jwt {@link JWTAuth} that checks signatures
 * (each key only with its own algorithm), expiry with leeway, issuer and audience. Fetched at
 * start, again every {@link #MAX_AGE_MS}, and when a token names a key id we do not have (a
 * rotation), at most once per the configured interval; concurrent callers share one fetch. A failed
 * fetch keeps the keys we had.
 */
final class JwksKeys {

  private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);

  /** A JWKS is a few keys (about 1 KB each); anything larger is not one. */
  static final int MAX_BYTES = 256 * 1024;

  static final int FETCH_TIMEOUT_MS = 5_000;

  /**
   * Providers publish a new key ahead of using it and drop old ones later: ten minutes follows
   * both.
   */
  static final long MAX_AGE_MS = 10 * 60_000;

  private final Vertx vertx;
  private final URI url;
  private final JWTOptions options;
  private final long minRefreshMs;
  private final HttpClient http;
  private final long timer;
  private volatile JWTAuth auth;
  private volatile Set<String> keyIds = Set.of();
  private Future<Void> fetching;
  private long lastFetch = Long.MIN_VALUE / 2;
  private boolean failing;

  JwksKeys(Vertx vertx, URI url, JWTOptions options, long minRefreshMs) {
    this.vertx = vertx;
    this.url = url;
    this.options = options;
    this.minRefreshMs = minRefreshMs;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(FETCH_TIMEOUT_MS));
    refresh(true);
    this.timer = vertx.setPeriodic(MAX_AGE_MS, id -> refresh(true));
  }

  /**
   * Verifies a token signed with one of the provider's keys; fetches the keys again for an unknown
   * key id.
   */
  Future<User> verify(String token, String keyId) {
    JWTAuth current = auth;
    if (current != null && (keyId == null || keyIds.contains(keyId))) {
      return Tokens.authenticate(current, token);
    }
    return refresh(false)
        .transform(
            done -> {
              JWTAuth now = auth;
              return now == null
                  ? Future.failedFuture("no keys from JWT_JWKS_URL yet")
                  : Tokens.authenticate(now, token);
            });
  }

  /**
   * Fetches the keys unless a fetch runs (then joins it) or, when not forced, the last one was too
   * recent.
   */
  private synchronized Future<Void> refresh(boolean force) {
    if (fetching != null) {
      return fetching;
    }
    long now = System.currentTimeMillis();
    if (!force && now - lastFetch < minRefreshMs) {
      return Future.succeededFuture();
    }
    lastFetch = now;
    Future<Void> fetch =
        fetch()
            .onComplete(
                done -> {
                  synchronized (this) {
                    fetching = null;
                    if (done.failed() && !failing) {
                      LOG.warn(
                          "JWT_JWKS_URL: fetching the keys failed ({}); keeping the {} keys we have",
                          done.cause().getMessage(),
                          keyIds.size());
                    } else if (done.succeeded() && failing) {
                      LOG.info("JWT_JWKS_URL: keys fetched again ({})", keyIds.size());
                    }
                    failing = done.failed();
                  }
                });
    // a fetch that completed at once (no connection possible) must not stay registered
    if (!fetch.isComplete()) {
      fetching = fetch;
    }
    return fetch;
  }

  private Future<Void> fetch() {
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(url.toString())
            .setTimeout(FETCH_TIMEOUT_MS)
            .putHeader("accept", "application/json");
    return http.request(request)
        .compose(req -> req.send())
        .compose(this::body)
        .map(
            body -> {
              install(body);
              return null;
            });
  }

  private Future<Buffer> body(HttpClientResponse response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture("HTTP " + response.statusCode());
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(
        chunk -> {
          if (body.length() + chunk.length() > MAX_BYTES) {
            promise.tryFail("the key set is larger than " + MAX_BYTES + " bytes");
            response.request().reset();
          } else {
            body.appendBuffer(chunk);
          }
        });
    response.exceptionHandler(promise::tryFail);
    response.endHandler(v -> promise.tryComplete(body));
    return promise.future();
  }

  private void install(Buffer body) {
    JsonArray keys;
    try {
      keys = new JsonObject(body).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new IllegalStateException("the answer is not a JSON Web Key Set");
    }
    if (keys == null) {
      throw new IllegalStateException("the answer has no \"keys\"");
    }
    JWTAuthOptions config = new JWTAuthOptions().setJWTOptions(options);
    Set<String> ids = new HashSet<>();
    for (Object entry : keys) {
      // Only public signing keys: a symmetric ("oct") key here would let its holders sign anything.
      if (entry instanceof JsonObject key
          && ("RSA".equals(key.getValue("kty")) || "EC".equals(key.getValue("kty")))
          && (key.getValue("use") == null || "sig".equals(key.getValue("use")))) {
        config.addJwk(key);
        if (key.getValue("kid") instanceof String kid) {
          ids.add(kid);
        }
      }
    }
    auth = JWTAuth.create(vertx, config);
    keyIds = Set.copyOf(ids);
  }

  void close() {
    vertx.cancelTimer(timer);
    http.close();
  }
}
