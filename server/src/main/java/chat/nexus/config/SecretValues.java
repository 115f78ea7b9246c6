package chat.nexus.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The values of the environment's secret variables, to blank wherever one turns up in text that
 * leaves the process (the start-up configuration line, error reports): a secret may hide in a
 * message under no telling name. Also the one rule for cutting credentials out of URLs, which both
 * of those apply.
 */
public final class SecretValues {

  /**
   * Names of settings and variables whose values are secrets: they end in one of these words
   * (JWT_SECRET, METRICS_TOKEN, llmApiKeys), unlike firstTokenTimeoutMs or sessionSecretGenerated.
   */
  static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(secret|password|passwd|token|apikey|apikeys|api_key|api_keys|dsn|credential"
              + "|credentials|headers|privatekey|private_key|secret_key|access_key|secretkey|accesskey)$");

  /**
   * user:password@ in a URL, up to the last '@' before the parameters, as the URL parsers read it:
   * a password may hold '/' and '@'.
   */
  private static final Pattern URL_USER_INFO =
      Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^?\\s]*@");

  /** Shorter values are not blanked everywhere: they would hit ordinary words and numbers. */
  private static final int MIN_BLANKED_CHARS = 6;

  private static final SecretValues NONE = new SecretValues(List.of());

  /** Longest first, so that a secret containing another is blanked whole. */
  private final List<String> values;

  private SecretValues(List<String> values) {
    this.values = values;
  }

  /** The values of {@code env}'s secret variables (each part of a comma-separated list). */
  public static SecretValues of(Map<String, String> env) {
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, String> variable : env.entrySet()) {
      String value = variable.getValue();
      if (value != null && isSecretName(variable.getKey())) {
        for (String part : value.split(",")) {
          if (part.trim().length() >= MIN_BLANKED_CHARS) {
            values.add(part.trim());
          }
        }
      }
    }
    values.sort(Comparator.comparingInt(String::length).reversed());
    return new SecretValues(List.copyOf(values));
  }

  public static SecretValues none() {
    return NONE;
  }

  public static boolean isSecretName(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  /** {@code text} with the credentials of every URL in it cut out. */
  public static String withoutUrlCredentials(String text) {
    return URL_USER_INFO.matcher(text).replaceAll("$1");
  }

  /** {@code text} with every secret value replaced by {@code replacement}. */
  public String blank(String text, String replacement) {
    String blanked = text;
    for (String secret : values) {
      blanked = blanked.replace(secret, replacement);
    }
    return blanked;
  }
}
