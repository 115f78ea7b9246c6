package chat.nexus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.errors.ApiException;
import org.junit.jupiter.api.Test;

class HandlesTest {

  @Test
  void handlesAreLowerCaseAndChecked() {
    assertThat(Handles.validate(" Ann_99 ")).isEqualTo("ann_99");
    for (Object bad : new Object[] {"ab", "x".repeat(33), "has space", "dé", "a-b", 7}) {
      assertThatThrownBy(() -> Handles.validate(bad)).isInstanceOf(ApiException.class);
    }
  }

  @Test
  void derivedHandlesAreAlwaysValid() {
    assertThat(Handles.derive("Ann.Lee-99")).isEqualTo("ann_lee_99");
    assertThat(Handles.derive("Zoë")).isEqualTo("zoe");
    assertThat(Handles.derive("Al")).isEqualTo("al_");
    assertThat(Handles.derive("🌸")).isEqualTo("user");
    assertThat(Handles.derive("x".repeat(40))).hasSize(Handles.MAX_LENGTH);
    for (String name : new String[] {"Bob", "x".repeat(64), "山田", "", " _ "}) {
      assertThat(Handles.isHandle(Handles.derive(name))).as(name).isTrue();
      assertThat(Handles.withSuffix(name)).as(name).matches("[a-z0-9_]{3,27}_[0-9a-f]{4}");
    }
  }
}
