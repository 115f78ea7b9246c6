package chat.nexus.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import java.util.HashMap;
import java.util.Map;

/** Where the server's settings come from: the process environment over ./.env. */
public final class Environment {

  private Environment() {}

  /**
   * The variables of ./.env (when there is one) and of the process environment; the environment
   * wins, so that a deployment can override a checked-in .env.
   */
  public static Map<String, String> variables() {
    Map<String, String> env = new HashMap<>();
    Dotenv dotenv = Dotenv.configure().ignoreIfMissing().ignoreIfMalformed().load();
    for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
      env.put(entry.getKey(), entry.getValue());
    }
    env.putAll(System.getenv());
    return env;
  }
}
