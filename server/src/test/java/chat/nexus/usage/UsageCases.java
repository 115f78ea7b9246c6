package chat.nexus.usage;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.llm.FakeUpstream;
import chat.nexus.store.Blocking;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.Waits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens counted per user, character and day, the quotas, and GET /api/me/usage, against a fake
 * upstream that reports 7 tokens in and 3 out per reply; run on each backend by the subclasses.
 */
abstract class UsageCases extends ServerCases {

  static final long DAILY = 25;
  static final long MONTHLY = 1_000;

  private final Vertx vertx = Vertx.vertx();
  private FakeUpstream upstream;

  @Override
  protected Map<String, String> env() {
    upstream = FakeUpstream.start(vertx);
    Map<String, String> env = new HashMap<>();
    env.put("LLM_BASE_URL", upstream.baseUrl());
    env.put("LLM_API_KEYS", "sk-fake-upstream-key-0123456789");
    env.put("LLM_QUOTA_DAILY_TOKENS", String.valueOf(DAILY));
    env.put("LLM_QUOTA_MONTHLY_TOKENS", String.valueOf(MONTHLY));
    return env;
  }

  @AfterAll
  void closeUpstream() throws Exception {
    upstream.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  record Guest(String token, String userId) {}

  Guest guest() {
    JsonObject g = server.guest("u" + UUID.randomUUID().toString().substring(0, 6));
    return new Guest(g.getString("token"), g.getJsonObject("user").getString("id"));
  }

  String character(String token) {
    JsonObject card =
        new JsonObject()
            .put("spec", "chara_card_v2")
            .put("spec_version", "2.0")
            .put(
                "data",
                new JsonObject()
                    .put("name", "Mira " + UUID.randomUUID().toString().substring(0, 4))
                    .put("description", "a ship AI")
                    .put("personality", "warm")
                    .put("scenario", "on a starship")
                    .put("first_mes", "Welcome aboard!")
                    .put("mes_example", ""));
    return rest.post("/api/characters?visibility=public", card, token)
        .assertOk(201)
        .getJsonObject("character")
        .getString("id");
  }

  /** One whole turn over the socket; the ack. */
  static JsonObject turn(Client client, String characterId) {
    JsonObject ack =
        client.call(
            "companion:message",
            new JsonObject().put("characterId", characterId).put("text", "Where to?"));
    if (ack.getBoolean("ok")) {
      client.next("companion:done");
    }
    return ack;
  }

  LlmUsage usage() {
    return server.chatServer().usage();
  }

  /** Flushes until nothing of {@code userId} is left unwritten (a flush under way included). */
  void flush(String userId) {
    Waits.untilTrue(
        () -> {
          Waits.get(
              usage().usage().flush().toCompletionStage().toCompletableFuture(), "a usage flush");
          return usage()
              .usage()
              .unwritten(userId, LocalDate.now(ZoneOffset.UTC))
              .equals(UsageStore.Counts.NONE);
        },
        "every count written");
  }

  @Test
  void turnsAreCountedPerUserCharacterAndDayAndShownInUsage() {
    Guest me = guest();
    String mira = character(me.token());
    String other = character(me.token());
    Client client = server.connect(me.token());
    assertThat(turn(client, mira).getBoolean("ok")).isTrue();
    assertThat(turn(client, mira).getBoolean("ok")).isTrue();
    assertThat(turn(client, other).getBoolean("ok")).isTrue();

    // written or not yet, the route counts it
    JsonObject usage =
        Waits.get(
            CompletableFuture.supplyAsync(
                () -> {
                  while (true) {
                    JsonObject u =
                        rest.get("/api/me/usage", me.token()).assertOk(200).getJsonObject("usage");
                    if (u.getJsonObject("today").getLong("total") == 30) {
                      return u;
                    }
                    Thread.onSpinWait();
                  }
                }),
            "usage of three turns");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertThat(usage.getJsonObject("today").getLong("in")).isEqualTo(21);
    assertThat(usage.getJsonObject("today").getLong("out")).isEqualTo(9);
    assertThat(usage.getJsonObject("today").getString("date")).isEqualTo(today.toString());
    assertThat(usage.getJsonObject("month").getLong("total")).isEqualTo(30);
    assertThat(usage.getJsonArray("characters")).hasSize(2);
    JsonObject first = usage.getJsonArray("characters").getJsonObject(0);
    assertThat(first.getString("characterId")).isEqualTo(mira);
    assertThat(first.getJsonObject("today").getLong("in")).isEqualTo(14);
    assertThat(first.getJsonObject("month").getLong("out")).isEqualTo(6);
    JsonObject daily = usage.getJsonObject("quota").getJsonObject("daily");
    assertThat(daily.getLong("limit")).isEqualTo(DAILY);
    assertThat(daily.getLong("used")).isEqualTo(30);
    assertThat(daily.getString("resetAt"))
        .isEqualTo(today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    assertThat(usage.getJsonObject("quota").getJsonObject("monthly").getLong("limit"))
        .isEqualTo(MONTHLY);

    flush(me.userId());
    List<Map<String, Object>> rows =
        server.query(
            "SELECT character_id, tokens_in, tokens_out FROM llm_usage WHERE user_id = ?"
                + " ORDER BY tokens_in DESC",
            me.userId());
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("character_id")).isEqualTo(mira);
    assertThat(((Number) rows.get(0).get("tokens_in")).longValue()).isEqualTo(14);
    assertThat(((Number) rows.get(0).get("tokens_out")).longValue()).isEqualTo(6);

    String metrics = rest.get("/metrics").body();
    assertThat(metrics).contains("nexus_llm_usage_tokens_total{direction=\"in\"}");
    assertThat(metrics).doesNotContain(me.userId());
    assertThat(rest.get("/api/me/usage").status()).isEqualTo(401);
  }

  @Test
  void theDailyQuotaRefusesTheNextTurnWithItsResetTime() {
    Guest me = guest();
    String mira = character(me.token());
    Client client = server.connect(me.token());
    for (int i = 0; i < 3; i++) {
      assertThat(turn(client, mira).getBoolean("ok")).as("turn %d", i).isTrue();
    }
    long stored =
        server.count("SELECT COUNT(*) FROM companion_chat_messages WHERE user_id = ?", me.userId());
    String tomorrow =
        LocalDate.now(ZoneOffset.UTC)
            .plusDays(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .toString();

    JsonObject ack = turn(client, mira);
    assertThat(ack.getBoolean("ok")).isFalse();
    JsonObject error = ack.getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("QUOTA_EXCEEDED");
    assertThat(error.getString("resetAt")).isEqualTo(tomorrow);
    assertThat(error.getLong("retryAfter")).isBetween(1L, 86_400L);
    assertThat(error.getString("message")).contains("today's").contains("25 tokens");

    Rest.Response refused =
        rest.post(
            "/api/companions/" + mira + "/messages",
            new JsonObject().put("text", "hi"),
            me.token());
    refused.assertError(429, "QUOTA_EXCEEDED");
    assertThat(refused.header("Retry-After")).matches("\\d+");
    assertThat(refused.json().getJsonObject("error").getString("resetAt")).isEqualTo(tomorrow);
    Rest.Response sse =
        rest.postRaw(
            "/api/companions/" + mira + "/messages",
            "application/json",
            new JsonObject().put("text", "hi").encode(),
            me.token(),
            Map.of("Accept", "text/event-stream"));
    sse.assertError(429, "QUOTA_EXCEEDED");
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM companion_chat_messages WHERE user_id = ?", me.userId()))
        .as("a refused message is not stored")
        .isEqualTo(stored);

    Guest someoneElse = guest();
    assertThat(turn(server.connect(someoneElse.token()), mira).getBoolean("ok"))
        .as("the quota is per user")
        .isTrue();
  }

  @Test
  void theMonthlyQuotaCountsEveryDayOfTheMonth() {
    Guest me = guest();
    String mira = character(me.token());
    LocalDate first = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
    server.update(
        "INSERT INTO llm_usage (user_id, usage_day, character_id, tokens_in, tokens_out)"
            + " VALUES (?, ?, ?, ?, ?)",
        me.userId(),
        Date.valueOf(first),
        "",
        MONTHLY - 10,
        10);
    server.update(
        "INSERT INTO llm_usage (user_id, usage_day, character_id, tokens_in, tokens_out)"
            + " VALUES (?, ?, ?, ?, ?)",
        me.userId(),
        Date.valueOf(first.minusDays(1)),
        "",
        MONTHLY * 5,
        0); // last month's: not counted
    JsonObject ack = turn(server.connect(me.token()), mira);
    assertThat(ack.getBoolean("ok")).isFalse();
    assertThat(ack.getJsonObject("error").getString("code")).isEqualTo("QUOTA_EXCEEDED");
    assertThat(ack.getJsonObject("error").getString("resetAt"))
        .isEqualTo(first.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    assertThat(ack.getJsonObject("error").getString("message")).contains("this month's");
    JsonObject usage = rest.get("/api/me/usage", me.token()).assertOk(200).getJsonObject("usage");
    assertThat(usage.getJsonObject("month").getLong("total")).isEqualTo(MONTHLY);
  }

  @Test
  void recordsFromManyThreadsAndTwoNodesAddUpAndCloseWritesTheRest() throws Exception {
    String user = "user-" + UUID.randomUUID();
    Blocking blocking = new Blocking(vertx, "usage-test", 2);
    UsageStore store = new UsageStore(server.chatServer().database());
    Usage one = new Usage(vertx, store, blocking, new SimpleMeterRegistry());
    Usage two = new Usage(vertx, store, blocking, new SimpleMeterRegistry());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Usage node = t % 2 == 0 ? one : two;
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 500; i++) {
                  node.record(user, "c-" + (i % 3), 2, 1);
                  if (i % 100 == 0) {
                    node.flush();
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    one.record(user, null, 5, 0); // a call about no character
    one.close(); // what SIGTERM does: nothing lost
    two.close();
    blocking.close();
    long in = server.count("SELECT SUM(tokens_in) FROM llm_usage WHERE user_id = ?", user);
    long out = server.count("SELECT SUM(tokens_out) FROM llm_usage WHERE user_id = ?", user);
    assertThat(in).isEqualTo(4 * 500 * 2 + 5);
    assertThat(out).isEqualTo(4 * 500);
    assertThat(server.count("SELECT COUNT(*) FROM llm_usage WHERE user_id = ?", user))
        .as("one row per (user, day, character)")
        .isEqualTo(4);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertThat(store.totals(user, today).today()).isEqualTo(4 * 500 * 3 + 5);
  }
}
