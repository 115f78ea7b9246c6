package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPoolTest {

  @Test
  void spreadsCallsByLeastInFlight() {
    KeyPool pool = new KeyPool(List.of("sk-a", "sk-b", "sk-c"));
    KeyPool.Key first = pool.acquire(0);
    KeyPool.Key second = pool.acquire(0);
    KeyPool.Key third = pool.acquire(0);
    assertThat(List.of(first.label(), second.label(), third.label()))
        .containsExactlyInAnyOrder("key-1", "key-2", "key-3");
    pool.release(second);
    assertThat(pool.acquire(0)).isSameAs(second);
  }

  @Test
  void skipsAKeyCoolingDownAfter429() {
    KeyPool pool = new KeyPool(List.of("sk-a", "sk-b"));
    KeyPool.Key limited = pool.acquire(0);
    pool.release(limited);
    pool.coolDown(limited, 1_000);
    for (int i = 0; i < 5; i++) {
      KeyPool.Key key = pool.acquire(500);
      assertThat(key).isNotSameAs(limited);
      pool.release(key);
    }
    assertThat(pool.acquire(1_000)).as("back after the cool-down").isSameAs(limited);
  }

  @Test
  void whenAllCoolDownTakesTheOneBackFirst() {
    KeyPool pool = new KeyPool(List.of("sk-a", "sk-b"));
    KeyPool.Key a = pool.acquire(0);
    KeyPool.Key b = pool.acquire(0);
    pool.release(a);
    pool.release(b);
    pool.coolDown(a, 5_000);
    pool.coolDown(b, 2_000);
    assertThat(pool.acquire(100)).isSameAs(b);
  }

  @Test
  void neverPrintsASecret() {
    KeyPool pool = new KeyPool(List.of("sk-very-secret"));
    KeyPool.Key key = pool.acquire(0);
    assertThat(key.toString()).isEqualTo("key-1").doesNotContain("secret");
  }
}
