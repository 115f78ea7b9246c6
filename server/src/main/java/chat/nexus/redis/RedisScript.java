package chat.nexus.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run atomically by Redis, sent by its SHA-1 (EVALSHA) and in full only when Redis
 * lacks it.
 */
public final class RedisScript {

  private final String source;
  private final String sha1;

  public RedisScript(String source) {
    this.source = source;
    try {
      this.sha1 =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-1")
                      .digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing", e);
    }
  }

  /** A script from the class path (next to the class that uses it). */
  public static RedisScript resource(Class<?> owner, String name) {
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + name);
      }
      return new RedisScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String sha1() {
    return sha1;
  }

  Request evalSha(List<String> keys, List<?> args) {
    return withArgs(Request.cmd(Command.EVALSHA).arg(sha1), keys, args);
  }

  Request eval(List<String> keys, List<?> args) {
    return withArgs(Request.cmd(Command.EVAL).arg(source), keys, args);
  }

  private static Request withArgs(Request request, List<String> keys, List<?> args) {
    request.arg(keys.size());
    keys.forEach(request::arg);
    for (Object arg : args) {
      request.arg(String.valueOf(arg));
    }
    return request;
  }
}
