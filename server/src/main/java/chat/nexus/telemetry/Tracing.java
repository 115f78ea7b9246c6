package chat.nexus.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Traces of chat messages and companion turns, exported over OTLP (http/protobuf) when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; the SDK reads the standard OTEL_* variables (sampler, batch
 * sizes, headers, resource attributes). Off, every method returns at its first branch: null spans,
 * the no-op scope, nothing allocated. Call sites hold a span that may be null and pass it back
 * here; they never touch the SDK.
 *
 * <p>Spans: {@code socket.io <event>} for each client event (root, ended once it is acked), {@code
 * chat message store} for each batch the message writer commits (linked to the messages' event
 * spans), {@code chat message broadcast}, {@code llm gateway} (a companion reply, from the slot to
 * its last token) and {@code llm upstream} (one HTTP request to the provider).
 */
public final class Tracing {

  public static final String DEFAULT_SERVICE_NAME = "nexus-chat";

  public static final AttributeKey<String> ROOM_ID = AttributeKey.stringKey("chat.room_id");
  public static final AttributeKey<Long> MESSAGE_ID = AttributeKey.longKey("chat.message_id");
  public static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("chat.batch_size");
  public static final AttributeKey<String> USER_ID = AttributeKey.stringKey("enduser.id");
  public static final AttributeKey<String> EVENT = AttributeKey.stringKey("socket.io.event");
  public static final AttributeKey<String> CHARACTER_ID =
      AttributeKey.stringKey("chat.character_id");
  public static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<Long> INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  public static final AttributeKey<Long> HTTP_STATUS =
      AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("llm.attempts");
  public static final AttributeKey<Boolean> SIMULATED = AttributeKey.booleanKey("llm.simulated");

  private static final AttributeKey<String> SERVICE_VERSION =
      AttributeKey.stringKey("service.version");
  private static final AttributeKey<String> ENVIRONMENT =
      AttributeKey.stringKey("deployment.environment.name");

  private static volatile Tracer tracer;
  private static OpenTelemetrySdk sdk;

  private Tracing() {}

  /**
   * Starts the SDK when an OTLP endpoint is set, {@code version} as the service's; returns whether
   * it did.
   */
  public static synchronized boolean start(TelemetryOptions options, String version) {
    if (tracer != null || !options.traces()) {
      return tracer != null;
    }
    Map<String, String> properties = new HashMap<>();
    // only traces; OTLP over HTTP with protobuf; a ratio (OTEL_TRACES_SAMPLER_ARG, default 1) of
    // new traces
    properties.put("otel.service.name", DEFAULT_SERVICE_NAME);
    properties.put("otel.traces.exporter", "otlp");
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    properties.put("otel.exporter.otlp.protocol", "http/protobuf");
    properties.put("otel.traces.sampler", "parentbased_traceidratio");
    options
        .otel()
        .forEach(
            (name, value) ->
                properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
    sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> properties)
            .addResourceCustomizer(
                (resource, config) ->
                    resource.merge(
                        Resource.create(
                            Attributes.of(
                                SERVICE_VERSION, version, ENVIRONMENT, options.environment()))))
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    tracer = sdk.getTracer("chat.nexus", version);
    return true;
  }

  /** Exports what is buffered, then stops the SDK. */
  public static synchronized void stop() {
    if (sdk != null) {
      tracer = null;
      sdk.close();
      sdk = null;
    }
  }

  public static boolean on() {
    return tracer != null;
  }

  /** A client event's span, the root of its trace; null when off. */
  public static Span event(String event, String userId) {
    Tracer t = tracer;
    if (t == null) {
      return null;
    }
    return t.spanBuilder("socket.io " + event)
        .setSpanKind(SpanKind.SERVER)
        .setNoParent()
        .setAttribute(EVENT, event)
        .setAttribute(USER_ID, userId)
        .startSpan();
  }

  /** A span under {@code parent}; null when off or without a parent. */
  public static Span child(Span parent, String name, SpanKind kind) {
    Tracer t = tracer;
    if (t == null || parent == null) {
      return null;
    }
    return t.spanBuilder(name).setParent(Context.root().with(parent)).setSpanKind(kind).startSpan();
  }

  /** A span under the current one (see {@link #scope}); null when off or when there is none. */
  public static Span childOfCurrent(String name, SpanKind kind) {
    if (tracer == null) {
      return null;
    }
    Span current = Span.current();
    return current.getSpanContext().isValid() ? child(current, name, kind) : null;
  }

  /** The current span (see {@link #scope}); null when off or when there is none. */
  public static Span currentSpan() {
    if (tracer == null) {
      return null;
    }
    Span current = Span.current();
    return current.getSpanContext().isValid() ? current : null;
  }

  /** The current span's context, for a link from later work; null when off or none. */
  public static SpanContext currentContext() {
    if (tracer == null) {
      return null;
    }
    SpanContext current = Span.current().getSpanContext();
    return current.isValid() ? current : null;
  }

  /** A span of work done for several traces at once, linked to each of them; null when off. */
  public static Span linked(String name, List<SpanContext> links) {
    Tracer t = tracer;
    if (t == null) {
      return null;
    }
    var builder = t.spanBuilder(name).setNoParent().setSpanKind(SpanKind.INTERNAL);
    for (SpanContext link : links) {
      if (link != null) {
        builder.addLink(link);
      }
    }
    return builder.startSpan().setAttribute(BATCH_SIZE, (long) links.size());
  }

  /** Makes {@code span} current on this thread until the scope closes; the no-op scope for null. */
  public static Scope scope(Span span) {
    return span == null ? Scope.noop() : span.makeCurrent();
  }

  /** Ends a span (null: nothing), as failed when {@code failure} is not null. */
  public static void end(Span span, Throwable failure) {
    if (span == null) {
      return;
    }
    if (failure != null) {
      span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }
    span.end();
  }
}
