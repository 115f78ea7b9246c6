package chat.nexus.admin;

import chat.nexus.config.Settings;
import java.util.Locale;
import java.util.Map;

/**
 * What the official Socket.IO Admin UI may see and do (it needs ADMIN_PASSWORD to exist at all).
 *
 * @param development ADMIN_UI_MODE is "development" (the default unless APP_ENV is production): the
 *     UI lists sockets, rooms and the events clients send, with their contents; "production" shows
 *     only each node's figures
 * @param readonly ADMIN_UI_READONLY: the UI may not disconnect sockets or make them leave rooms
 */
public record AdminUiSettings(boolean development, boolean readonly) {

  public static AdminUiSettings fromEnv(Map<String, String> env, boolean production) {
    Settings s = new Settings(env);
    String mode = s.string("ADMIN_UI_MODE", production ? "production" : "development");
    boolean development = "development".equals(mode.toLowerCase(Locale.ROOT));
    if (!development && !"production".equals(mode.toLowerCase(Locale.ROOT))) {
      s.problem("ADMIN_UI_MODE must be development or production, got " + mode);
    }
    boolean readonly = s.bool("ADMIN_UI_READONLY", false);
    s.check();
    return new AdminUiSettings(development, readonly);
  }

  /** For the start-up line. */
  public String description() {
    return (development ? "development (sockets, rooms, events)" : "production (figures only)")
        + (readonly ? ", read-only" : "");
  }
}
