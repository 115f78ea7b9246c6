package chat.nexus.config;

import chat.nexus.ServerConfig;
import io.vertx.core.json.JsonObject;

/**
 * Run by DotEnvTest in a subprocess: prints the configuration read from ./.env and the environment
 * (as the server reads it) as JSON.
 */
public final class PrintConfig {

  private PrintConfig() {}

  public static void main(String[] args) {
    Config config = ServerConfig.load().core();
    System.out.println(
        new JsonObject()
            .put("port", config.port())
            .put("host", config.host())
            .put("jwtSecret", config.jwtSecret())
            .put("jsonLimitBytes", config.jsonLimitBytes())
            .put("allowGuests", config.allowGuests())
            .put("dataDir", config.dataDir())
            .encode());
  }
}
