package chat.nexus.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values from a map of environment variables, collecting one clear line per bad value
 * instead of stopping at the first ({@link #check()} then stops with all of them). Never echoes
 * values of names that hold secrets. Config uses it, and so does each capability's own options
 * record.
 */
public final class Settings {

  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|kb|mb|gb)?", Pattern.CASE_INSENSITIVE);

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public Settings(Map<String, String> env) {
    this.env = env;
  }

  public void problem(String line) {
    problems.add(line);
  }

  /** The first set (non-blank) of these names, trimmed, or null. */
  public String raw(String... names) {
    for (String name : names) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return null;
  }

  public String string(String name, String fallback) {
    String value = raw(name);
    return value != null ? value : fallback;
  }

  public int port(String name, int fallback) {
    return parse(
        name,
        fallback,
        value -> {
          int port = Integer.parseInt(value);
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException();
          }
          return port;
        },
        "a port number");
  }

  int positiveInt(int defaultValue, String... names) {
    String value = raw(names);
    if (value == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed <= 0) {
        throw new IllegalArgumentException();
      }
      return parsed;
    } catch (IllegalArgumentException e) {
      problems.add(names[0] + " must be a positive whole number, got '" + value + "'");
      return defaultValue;
    }
  }

  long positiveLong(String name, long fallback) {
    return parse(
        name,
        fallback,
        value -> {
          long parsed = Long.parseLong(value);
          if (parsed <= 0) {
            throw new IllegalArgumentException();
          }
          return parsed;
        },
        "a positive whole number");
  }

  public boolean bool(String name, boolean fallback) {
    return parse(
        name,
        fallback,
        value ->
            switch (value.toLowerCase(Locale.ROOT)) {
              case "true", "1", "yes", "on" -> true;
              case "false", "0", "no", "off" -> false;
              default -> throw new IllegalArgumentException();
            },
        "true or false");
  }

  /** Sizes such as "512kb", "1mb" or a plain byte count. */
  int size(String name, int fallback) {
    return parse(
        name,
        fallback,
        value -> {
          Matcher m = SIZE.matcher(value.trim());
          if (!m.matches()) {
            throw new IllegalArgumentException();
          }
          long n = Long.parseLong(m.group(1));
          String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
          long bytes =
              switch (unit) {
                case "kb" -> n * 1024;
                case "mb" -> n * 1024 * 1024;
                case "gb" -> n * 1024 * 1024 * 1024;
                default -> n;
              };
          if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException();
          }
          return (int) bytes;
        },
        "a size such as 512kb or 1mb");
  }

  public List<String> list(String... names) {
    String value = raw(names);
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * A whole number from {@code min} to {@code max}, or {@code fallback} when unset (and when bad,
   * with a problem line).
   */
  public long wholeNumber(String name, long fallback, long min, long max) {
    return parse(
        name,
        fallback,
        value -> {
          long parsed = Long.parseLong(value);
          if (parsed < min || parsed > max) {
            throw new IllegalArgumentException();
          }
          return parsed;
        },
        "a whole number from " + min + " to " + max);
  }

  /** Stops with one line per bad value ({@link ConfigException}), when there was any. */
  public void check() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private <T> T parse(String name, T fallback, Function<String, T> parser, String expected) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    try {
      return parser.apply(value);
    } catch (RuntimeException e) {
      problems.add(name + " must be " + expected + ", got '" + value + "'");
      return fallback;
    }
  }
}
