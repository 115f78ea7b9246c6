package chat.nexus.config;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The whole configuration as plain maps and lists, for the one start-up line an operator reads by
 * machine: every settings record is walked component by component (a settings class that is not a
 * record, by its public accessors), so that a setting added later shows up without anyone
 * remembering to list it here. Secrets never appear: a component whose name says secret, password,
 * token, key or DSN shows only whether it is set; credentials in URLs are cut out; and, in case a
 * secret hides under another name, every long value of a secret variable of the environment is
 * blanked wherever it turns up.
 */
public final class ConfigReport {

  /** password=... in a JDBC URL's parameters. */
  private static final Pattern URL_PASSWORD_PARAMETER =
      Pattern.compile("(?i)(password|pass|pwd)=[^&;\\s]*");

  /** Records inside records: deep enough for any options record, bounded against cycles. */
  private static final int MAX_DEPTH = 6;

  private static final String PROJECT_PACKAGE = "chat.nexus.";
  private static final Set<String> OBJECT_METHODS = Set.of("toString", "hashCode", "getClass");

  static final String SET = "(set)";
  static final String HIDDEN = "(hidden)";

  private final SecretValues secretValues;

  private ConfigReport(Map<String, String> env) {
    this.secretValues = SecretValues.of(env);
  }

  /**
   * {@code settings} (a record of records) as a map for a JSON log line, with no secret of it or of
   * {@code env} in it.
   */
  public static Map<String, Object> of(Object settings, Map<String, String> env) {
    Object walked = new ConfigReport(env).value(settings, 0);
    if (walked instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      Map<String, Object> result = (Map<String, Object>) map;
      return result;
    }
    return Map.of("value", walked);
  }

  private Object value(Object value, int depth) {
    if (value == null) {
      return null;
    }
    if (value instanceof Optional<?> o) {
      return o.map(v -> value(v, depth)).orElse(null);
    }
    if (value instanceof OptionalInt o) {
      return o.isPresent() ? o.getAsInt() : null;
    }
    if (value instanceof OptionalLong o) {
      return o.isPresent() ? o.getAsLong() : null;
    }
    if (value instanceof OptionalDouble o) {
      return o.isPresent() ? o.getAsDouble() : null;
    }
    if (value instanceof Boolean || value instanceof Number) {
      return value;
    }
    if (value instanceof CharSequence
        || value instanceof Enum<?>
        || value instanceof URI
        || value instanceof Duration) {
      return clean(value.toString());
    }
    if (value instanceof Collection<?> c) {
      List<Object> list = new ArrayList<>(c.size());
      c.forEach(v -> list.add(value(v, depth)));
      return list;
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> map = new LinkedHashMap<>();
      m.forEach((k, v) -> map.put(String.valueOf(k), named(String.valueOf(k), v, depth)));
      return map;
    }
    if (depth >= MAX_DEPTH) {
      return clean(value.toString());
    }
    if (value.getClass().isRecord()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (RecordComponent component : value.getClass().getRecordComponents()) {
        map.put(component.getName(), named(component.getName(), read(component, value), depth));
      }
      return map;
    }
    return accessors(value, depth);
  }

  /**
   * A settings class that is not a record: its public accessors (no arguments, a value back), by
   * name; any other object of this project has no settings to show.
   */
  private Object accessors(Object value, int depth) {
    Class<?> type = value.getClass();
    if (!type.getName().startsWith(PROJECT_PACKAGE) || !Modifier.isPublic(type.getModifiers())) {
      return null;
    }
    Map<String, Object> map = new TreeMap<>();
    for (Method method : type.getDeclaredMethods()) {
      int modifiers = method.getModifiers();
      if (Modifier.isPublic(modifiers)
          && !Modifier.isStatic(modifiers)
          && method.getParameterCount() == 0
          && method.getReturnType() != void.class
          && method.getReturnType() != type
          && !OBJECT_METHODS.contains(method.getName())) {
        map.put(method.getName(), named(method.getName(), invoke(method, value), depth));
      }
    }
    return map.isEmpty() ? null : map;
  }

  private static Object invoke(Method method, Object target) {
    try {
      return method.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return HIDDEN;
    }
  }

  /** A named setting: secrets show only whether they are set. */
  private Object named(String name, Object value, int depth) {
    if (SecretValues.isSecretName(name)) {
      return secretState(value);
    }
    return value(value, depth + 1);
  }

  private static Object secretState(Object value) {
    if (value instanceof Boolean) {
      return value; // "secretGenerated" and the like: a fact about the secret, not the secret
    }
    if (value == null
        || value instanceof Optional<?> o && o.isEmpty()
        || value instanceof Collection<?> c && c.isEmpty()) {
      return null;
    }
    if (value instanceof Collection<?> c) {
      return c.size() + " " + SET;
    }
    return SET;
  }

  private static Object read(RecordComponent component, Object record) {
    Method accessor = component.getAccessor();
    if (!Modifier.isPublic(accessor.getDeclaringClass().getModifiers())) {
      accessor.trySetAccessible();
    }
    try {
      return accessor.invoke(record);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return HIDDEN;
    }
  }

  private String clean(String text) {
    String cleaned = SecretValues.withoutUrlCredentials(text);
    cleaned = URL_PASSWORD_PARAMETER.matcher(cleaned).replaceAll("$1=" + HIDDEN);
    return secretValues.blank(cleaned, HIDDEN);
  }
}
