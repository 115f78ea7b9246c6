package chat.nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ADMIN_UI_MODE follows APP_ENV unless set; a bad value is one line of the start-up error. */
class AdminUiSettingsTest {

  @Test
  void theModeFollowsTheEnvironmentUnlessSet() {
    assertThat(AdminUiSettings.fromEnv(Map.of(), false))
        .isEqualTo(new AdminUiSettings(true, false));
    assertThat(AdminUiSettings.fromEnv(Map.of(), true))
        .isEqualTo(new AdminUiSettings(false, false));
    assertThat(
            AdminUiSettings.fromEnv(
                Map.of("ADMIN_UI_MODE", "Development", "ADMIN_UI_READONLY", "true"), true))
        .isEqualTo(new AdminUiSettings(true, true));
  }

  @Test
  void aBadModeIsRefused() {
    assertThatThrownBy(() -> AdminUiSettings.fromEnv(Map.of("ADMIN_UI_MODE", "verbose"), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ADMIN_UI_MODE must be development or production");
  }
}
