package chat.nexus.auth;

import chat.nexus.errors.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * What a sign-up or login body says, checked; a bad field is a BAD_REQUEST that names it.
 *
 * @param name the display name (the username unless the body gives one)
 */
record SignInForm(String username, String password, String name) {

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,32}");

  /** A login: a username and a password, as they were chosen. */
  static SignInForm login(JsonObject body) {
    String username = requireString(body, "username");
    return new SignInForm(username, requireString(body, "password"), username);
  }

  /**
   * A sign-up: a username of 3-32 letters, digits, '_', '.', '-'; a password of {@link
   * Passwords#MIN_LENGTH}-{@link Passwords#MAX_LENGTH} characters; an optional display name.
   */
  static SignInForm signUp(JsonObject body) {
    String username = requireString(body, "username");
    String password = requireString(body, "password");
    if (!USERNAME.matcher(username).matches()) {
      throw ApiException.badRequest(
          "username must be 3-32 characters of letters, digits, '_', '.', '-'");
    }
    if (password.length() < Passwords.MIN_LENGTH || password.length() > Passwords.MAX_LENGTH) {
      throw ApiException.badRequest(
          "password must be " + Passwords.MIN_LENGTH + "-" + Passwords.MAX_LENGTH + " characters");
    }
    return new SignInForm(username, password, optionalName(body, username));
  }

  /** A guest's display name, which a guest must give. */
  static String guestName(JsonObject body) {
    String name = optionalName(body, null);
    if (name == null) {
      throw ApiException.badRequest("name is required");
    }
    return name;
  }

  static String requireString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw ApiException.badRequest(field + " is required (a string)");
    }
    return s;
  }

  private static String optionalName(JsonObject body, String fallback) {
    Object value = body.getValue("name");
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s)) {
      throw ApiException.badRequest("name must be a string");
    }
    return Names.displayName(s);
  }
}
