package chat.nexus.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.companion.DemoCharacter;
import chat.nexus.llm.FakeUpstream;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.TestServer;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chat message and a companion turn, sent by the official client, arrive at an OTLP collector
 * stub (POST /v1/traces, protobuf) as the documented spans, parented and linked as documented, with
 * the room id and never the message's text.
 */
class TracesTest {

  private static final String TEXT = "words that must stay out of every span";
  private static final String ROOM = "traced-room";
  private static final long WAIT_S = 20;

  private HttpServer collector;
  private final List<Span> spans = new CopyOnWriteArrayList<>();
  private final List<String> services = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private Vertx vertx;

  @BeforeEach
  void startCollector() throws IOException {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/",
        exchange -> {
          paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
          ExportTraceServiceRequest request =
              ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
          for (ResourceSpans resource : request.getResourceSpansList()) {
            services.add(attribute(resource.getResource().getAttributesList(), "service.name"));
            for (ScopeSpans scope : resource.getScopeSpansList()) {
              spans.addAll(scope.getSpansList());
            }
          }
          byte[] empty = new byte[0];
          exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.getResponseBody().write(empty);
          exchange.close();
        });
    collector.start();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    collector.stop(0);
    vertx.close().await();
  }

  @Test
  void aChatMessageAndACompanionTurnAreTraced() throws Exception {
    try (FakeUpstream upstream = FakeUpstream.start(vertx)) {
      Map<String, String> env =
          Map.of(
              "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
              "OTEL_BSP_SCHEDULE_DELAY", "100",
              "LLM_BASE_URL", upstream.baseUrl(),
              "LLM_API_KEYS", "sk-fake-upstream-key-0123456789",
              "LOG_FORMAT", "text");
      try (TestServer server = TestServer.start(Backend.H2, env)) {
        Client client = server.connectGuest("tracer");
        assertThat(client.call("room:join", new JsonObject().put("roomId", ROOM)).getBoolean("ok"))
            .isTrue();
        JsonObject sent =
            client.call("message:send", new JsonObject().put("roomId", ROOM).put("text", TEXT));
        assertThat(sent.getBoolean("ok")).isTrue();
        long messageId = sent.getJsonObject("message").getLong("id");

        JsonObject turn =
            client.call(
                "companion:message",
                new JsonObject().put("characterId", DemoCharacter.ID).put("text", TEXT));
        assertThat(turn.getBoolean("ok")).as(turn.encode()).isTrue();
        client.next("companion:done");

        Span send = await("socket.io message:send");
        Span broadcast = await("chat message broadcast");
        Span store = awaitStoreOf(send);
        assertThat(send.getParentSpanId()).as("a root").isEmpty();
        assertThat(string(send, "chat.room_id")).isEqualTo(ROOM);
        assertThat(send.getEventsList()).anyMatch(e -> e.getName().equals("ack"));
        assertThat(broadcast.getParentSpanId()).isEqualTo(send.getSpanId());
        assertThat(broadcast.getTraceId()).isEqualTo(send.getTraceId());
        assertThat(string(broadcast, "chat.room_id")).isEqualTo(ROOM);
        assertThat(number(broadcast, "chat.message_id")).isEqualTo(messageId);
        assertThat(number(store, "chat.batch_size")).isPositive();

        Span event = await("socket.io companion:message");
        Span gateway = await("llm gateway");
        Span upstreamCall = await("llm upstream");
        assertThat(gateway.getParentSpanId()).isEqualTo(event.getSpanId());
        assertThat(upstreamCall.getParentSpanId()).isEqualTo(gateway.getSpanId());
        assertThat(upstreamCall.getTraceId()).isEqualTo(event.getTraceId());
        assertThat(upstreamCall.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(number(upstreamCall, "http.response.status_code")).isEqualTo(200);
        assertThat(number(upstreamCall, "gen_ai.usage.input_tokens")).isEqualTo(7);
        assertThat(number(upstreamCall, "gen_ai.usage.output_tokens")).isEqualTo(3);
        assertThat(number(gateway, "gen_ai.usage.output_tokens")).isEqualTo(3);

        assertThat(paths).allMatch(p -> p.equals("POST /v1/traces"));
        assertThat(services).contains(Tracing.DEFAULT_SERVICE_NAME);
        for (Span span : spans) {
          assertThat(span.toString()).as(span.getName()).doesNotContain(TEXT);
        }
      }
    }
  }

  private Span await(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (System.nanoTime() < deadline) {
      Optional<Span> found = spans.stream().filter(s -> s.getName().equals(name)).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "no span " + name + " among " + spans.stream().map(Span::getName).toList());
  }

  /** The writer's batch span that links to the message's span. */
  private Span awaitStoreOf(Span send) throws InterruptedException {
    ByteString id = send.getSpanId();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (System.nanoTime() < deadline) {
      Optional<Span> found =
          spans.stream()
              .filter(s -> s.getName().equals("chat message store"))
              .filter(s -> s.getLinksList().stream().anyMatch(l -> l.getSpanId().equals(id)))
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no store span links to the message's span");
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    return attributes.stream()
        .filter(a -> a.getKey().equals(key))
        .map(a -> a.getValue().getStringValue())
        .findFirst()
        .orElse(null);
  }

  private static String string(Span span, String key) {
    return attribute(span.getAttributesList(), key);
  }

  private static long number(Span span, String key) {
    return span.getAttributesList().stream()
        .filter(a -> a.getKey().equals(key))
        .map(KeyValue::getValue)
        .mapToLong(AnyValue::getIntValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " on " + span.getName()));
  }
}
