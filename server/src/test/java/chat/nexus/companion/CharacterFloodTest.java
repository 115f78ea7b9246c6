package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Inputs that could stall a node, with a real server and real clients: companion messages to a card
 * whose lorebook is at the caps, and 300 GETs of a list made big within the caps whose clients
 * reset their connections at once. Meanwhile the node stays responsive: /health within 50 ms, chat
 * acks within a second, as the goals; the bounds asserted have room for the shared 2-core box the
 * suite runs on, where garbage collection and scheduling pauses of 100-400 ms hit every thread when
 * the load average is 8-12, and 300 connections opened and reset cost chat acks 300-600 ms even
 * when they ask for /health. The lorebook scan and the list's encoding on an event loop would hold
 * /health and the acks for seconds.
 */
class CharacterFloodTest extends ServerCases {

  /** The goal is 50 ms (see the class comment for the room). */
  static final long HEALTH_BOUND_MS = 1_000;

  /** The goal is a second (see the class comment for the room). */
  static final long ACK_BOUND_MS = 2_000;

  /** The caps of CardLimits, spelled out. */
  private static final int ENTRIES = 1_000;

  private static final int KEYS_PER_ENTRY = 50;
  private static final int SCAN_DEPTH = 100;
  private static final int TAGS = 32;
  private static final int TAG_CHARS = 40;
  private static final int MAX_TEXT = 4_000;

  /**
   * Messages to the lorebook card: the scanned text grows with each (scan_depth covers them all).
   */
  private static final int MESSAGES = 12;

  /** The pace of the /health probes and of the chat sends that watch the node during a flood. */
  private static final long PROBE_EVERY_MS = 5;

  private static final long SEND_EVERY_MS = 20;

  /** Chat acks measured before the reset GETs start and after they end, around the flood. */
  private static final long BEFORE_FLOOD_MS = 200;

  private static final long AFTER_FLOOD_MS = 500;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Override
  protected Backend backend() {
    return Backend.H2;
  }

  @Override
  protected Map<String, String> env() {
    return Map.of("LLM_SIMULATED_TOKEN_MS", "1");
  }

  /**
   * /health asked again and again, each time on a new connection (so on every event loop), keeping
   * the slowest.
   */
  private final class HealthProbe implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong slowestMs = new AtomicLong();
    private final AtomicLong probes = new AtomicLong();
    private final Thread thread = new Thread(this::run, "health-probe");

    HealthProbe() {
      thread.start();
    }

    private void run() {
      byte[] request =
          "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1);
      while (running.get()) {
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
          socket.setSoTimeout(30_000);
          socket.getOutputStream().write(request);
          InputStream in = socket.getInputStream();
          while (in.read(new byte[512]) >= 0) {
            // until the server closes: the whole answer is in
          }
        } catch (Exception e) {
          slowestMs.set(Long.MAX_VALUE);
          return;
        }
        slowestMs.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
        probes.incrementAndGet();
        sleep(PROBE_EVERY_MS);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(60_000);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** 50,000 distinct keys that start like the messages ("aaaaaaa") and never occur in them. */
  private static JsonObject lorebookAtTheCaps() {
    JsonArray entries = new JsonArray();
    for (int i = 0; i < ENTRIES; i++) {
      JsonArray keys = new JsonArray();
      for (int k = 0; k < KEYS_PER_ENTRY; k++) {
        StringBuilder key = new StringBuilder("aaaaaaa");
        for (int n = i * KEYS_PER_ENTRY + k, d = 0; d < 7; d++, n /= 25) {
          key.append((char) ('b' + n % 25));
        }
        keys.add(key.toString());
      }
      entries.add(new JsonObject().put("keys", keys).put("content", "lore " + i));
    }
    JsonObject card = Cards.v2("Bookworm " + UUID.randomUUID());
    card.getJsonObject("data")
        .put(
            "character_book",
            new JsonObject().put("scan_depth", SCAN_DEPTH).put("entries", entries));
    return card;
  }

  @Test
  void companionMessagesToALorebookAtTheCapsLeaveHealthAnswering() throws Exception {
    String token = server.guest("bookworm").getString("token");
    JsonObject card = lorebookAtTheCaps();
    assertThat(card.encode().length()).as("within the card cap").isLessThan(1024 * 1024);
    try (HealthProbe probe = new HealthProbe()) {
      HttpResponse<String> created =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/api/characters"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "image/png")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(Cards.png("ccv3", Cards.base64(card))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String id = new JsonObject(created.body()).getJsonObject("character").getString("id");
      for (int i = 0; i < MESSAGES; i++) {
        HttpResponse<String> reply =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(server.url() + "/api/companions/" + id + "/messages"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(120))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            new JsonObject().put("text", "a".repeat(MAX_TEXT)).encode()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
      }
      probe.close();
      System.out.println(
          "lorebook flood: slowest /health "
              + probe.slowestMs.get()
              + " ms over "
              + probe.probes.get()
              + " probes");
      assertThat(probe.probes.get()).as("health probes").isPositive();
      assertThat(probe.slowestMs.get())
          .as("slowest /health during the lorebook scans, ms")
          .isLessThan(HEALTH_BOUND_MS);
    }
  }

  /**
   * 1,000 cards of 50 tags of 50 characters each, written straight to the store (the list reads
   * them from there).
   */
  private void manyCardsWithMaxTags() throws Exception {
    JsonArray tags = new JsonArray();
    for (int t = 0; t < TAGS; t++) {
      tags.add(("tag" + t + "-").repeat(TAG_CHARS).substring(0, TAG_CHARS));
    }
    try (Connection c = server.chatServer().database().connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO characters (id, name, card, created_by, created_at) VALUES (?, ?, ?, ?, ?)")) {
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      for (int i = 0; i < 1_000; i++) {
        JsonObject card = Cards.v2("Tagged " + i);
        card.getJsonObject("data").put("tags", tags);
        ps.setString(1, "tagged-" + i + "-" + UUID.randomUUID());
        ps.setString(2, "Tagged " + i);
        ps.setString(3, card.encode());
        ps.setString(4, "flood");
        ps.setObject(5, now.minusSeconds(i));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    server.chatServer().characters().invalidateAll();
  }

  /**
   * 300 clients send GET /api/characters at once, and each resets its connection (RST) as soon as
   * the first bytes of its answer arrive, or after a deadline.
   */
  private void resetGets(int clients) throws Exception {
    byte[] request =
        "GET /api/characters HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    List<SocketChannel> channels = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < clients; i++) {
        SocketChannel channel =
            SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
        channels.add(channel);
      }
      for (SocketChannel channel : channels) {
        channel.write(ByteBuffer.wrap(request));
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
      }
      long deadline = System.currentTimeMillis() + 60_000;
      int open = clients;
      while (open > 0 && System.currentTimeMillis() < deadline) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel channel = (SocketChannel) key.channel();
          key.cancel();
          channel.setOption(StandardSocketOptions.SO_LINGER, 0);
          channel.close();
          open--;
        }
        selector.selectedKeys().clear();
      }
    } finally {
      for (SocketChannel channel : channels) {
        if (channel.isOpen()) {
          channel.setOption(StandardSocketOptions.SO_LINGER, 0);
          channel.close();
        }
      }
    }
  }

  @Test
  void threeHundredResetGetsOfABigListLeaveChatAcksFast() throws Exception {
    manyCardsWithMaxTags();
    assertThat(
            rest.get("/api/characters")
                .assertOk(200)
                .getJsonArray("characters")
                .getJsonObject(0)
                .getJsonArray("tags"))
        .hasSize(TAGS);
    Client chat = server.connectGuest("flood-watcher");
    assertThat(chat.call("room:join", new JsonObject().put("roomId", "flood")).getBoolean("ok"))
        .isTrue();

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong slowestAckMs = new AtomicLong();
    AtomicLong acks = new AtomicLong();
    Thread sender =
        new Thread(
            () -> {
              while (running.get()) {
                long started = System.nanoTime();
                JsonObject ack =
                    Waits.get(
                        chat.callAsync(
                            "message:send",
                            new JsonObject()
                                .put("roomId", "flood")
                                .put("text", "still here " + acks.get())),
                        60,
                        "a chat ack");
                if (!ack.getBoolean("ok")) {
                  throw new AssertionError("ack: " + ack.encode());
                }
                slowestAckMs.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                acks.incrementAndGet();
                sleep(SEND_EVERY_MS);
              }
            },
            "chat-acks");
    sender.start();
    try {
      sleep(BEFORE_FLOOD_MS);
      resetGets(300);
      sleep(AFTER_FLOOD_MS);
    } finally {
      running.set(false);
      sender.join(90_000);
    }
    System.out.println(
        "reset GETs: slowest ack " + slowestAckMs.get() + " ms over " + acks.get() + " acks");
    assertThat(acks.get()).as("acks").isPositive();
    assertThat(slowestAckMs.get())
        .as("slowest chat ack during the reset GETs, ms")
        .isLessThan(ACK_BOUND_MS);
    assertThat(rest.get("/api/characters").assertOk(200).getJsonArray("characters")).isNotEmpty();
  }
}
