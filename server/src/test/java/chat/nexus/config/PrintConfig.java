package chat.nexus.config;

import io.vertx.core.json.JsonObject;

/**
 * Run by DotEnvTest in a subprocess: prints what Config.load() read (./.env and the environment) as
 * JSON.
 */
public final class PrintConfig {

  private PrintConfig() {}

  public static void main(String[] args) {
    Config config = Config.load();
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
