package chat.nexus.socketio.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.socketio.redis.RedisAddress.Topology;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The three forms of a Redis address, and errors and descriptions that never show a password. */
class RedisAddressTest {

  @Test
  void oneUrlIsOneServer() {
    RedisAddress address = RedisAddress.parse("redis://:pw-secret@10.0.0.1:6380/2");
    assertThat(address.topology()).isEqualTo(Topology.STANDALONE);
    assertThat(address.endpoints()).containsExactly("redis://:pw-secret@10.0.0.1:6380/2");
    assertThat(address.description()).isEqualTo("10.0.0.1:6380");
    assertThat(RedisAddress.parse("redis://h").description()).isEqualTo("h:6379");
  }

  @Test
  void severalUrlsAreTheSeedsOfACluster() {
    RedisAddress address =
        RedisAddress.parse("redis://:pw-secret@h1:7000, redis://:pw-secret@h2:7001");
    assertThat(address.topology()).isEqualTo(Topology.CLUSTER);
    assertThat(address.endpoints())
        .containsExactly("redis://:pw-secret@h1:7000", "redis://:pw-secret@h2:7001");
    assertThat(address.description()).isEqualTo("cluster h1:7000,h2:7001");
    assertThat(address.masterName()).isEmpty();
  }

  @Test
  void sentinelsAndAPrimaryNameWithTheCredentialsOfAUrl() {
    String text =
        RedisAddress.sentinelAddress(
            List.of("s1:26379", "s2:26380"), "main", Optional.of("redis://:pw-secret@ignored/3"));
    assertThat(text).isEqualTo("redis-sentinel://:pw-secret@s1:26379,s2:26380/3#main");
    RedisAddress address = RedisAddress.parse(text);
    assertThat(address.topology()).isEqualTo(Topology.SENTINEL);
    assertThat(address.endpoints())
        .containsExactly("redis://:pw-secret@s1:26379/3", "redis://:pw-secret@s2:26380/3");
    assertThat(address.masterName()).contains("main");
    assertThat(address.description()).isEqualTo("primary 'main' via sentinels s1:26379,s2:26380");
    assertThat(RedisAddress.parse("redis-sentinel://s1#m").endpoints())
        .containsExactly("redis://s1:26379");
  }

  @Test
  void badAddressesSayWhatIsWrongWithoutRepeatingThem() {
    for (String bad :
        List.of(
            "http://:pw-secret@h:1",
            "redis://:pw-secret@h1:7000,",
            "redis://:pw-secret@h1:7000,h2:7001",
            "redis-sentinel://:pw-secret@s1:26379",
            "redis-sentinel://:pw-secret@s1:26379,#m",
            " ")) {
      assertThatThrownBy(() -> RedisAddress.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw-secret"));
    }
  }
}
