package chat.nexus.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without OTEL_EXPORTER_OTLP_ENDPOINT and SENTRY_DSN the hot paths' calls allocate nothing: every
 * one returns at its first branch.
 */
class TracingOffTest {

  private static final int WARM_UP = 20_000;
  private static final int CALLS = 200_000;

  /**
   * Less than one byte a call. An object allocated on every call costs at least 16 bytes each, so
   * 3.2 MB in all; a one-off allocation (a class loaded, the JIT swapping in a compiled loop, the
   * allocation counter itself) costs a few kilobytes whenever it happens, which a fixed 16 KB bound
   * sometimes failed on.
   */
  private static final long NOISE_BYTES = CALLS;

  @Test
  void offCallsAllocateNothing() {
    assertThat(TelemetryOptions.fromEnv(java.util.Map.of()).traces()).isFalse();
    assertThat(Tracing.on()).isFalse();
    assertThat(ErrorReports.on()).isFalse();
    RuntimeException failure = new RuntimeException("not reported");
    List<io.opentelemetry.api.trace.SpanContext> none = List.of();
    for (int i = 0; i < WARM_UP; i++) {
      hotPath(failure, none);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    long seen = 0;
    for (int i = 0; i < CALLS; i++) {
      seen += hotPath(failure, none);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(seen).isZero();
    assertThat(allocated).as("bytes allocated by %d calls", CALLS).isLessThan(NOISE_BYTES);
  }

  /** The calls the event, writer and gateway paths make; the number of spans they returned. */
  private static int hotPath(
      RuntimeException failure, List<io.opentelemetry.api.trace.SpanContext> none) {
    int spans = 0;
    Span event = Tracing.on() ? Tracing.event("message:send", "user") : null;
    try (Scope scope = Tracing.scope(event)) {
      spans += Tracing.currentSpan() != null ? 1 : 0;
      spans += Tracing.currentContext() != null ? 1 : 0;
      Span child = Tracing.childOfCurrent("llm gateway", SpanKind.INTERNAL);
      spans += child != null ? 1 : 0;
      Span broadcast = Tracing.child(event, "chat message broadcast", SpanKind.PRODUCER);
      spans += broadcast != null ? 1 : 0;
      Tracing.end(child, failure);
    }
    Span batch = Tracing.on() ? Tracing.linked("chat message store", none) : null;
    Tracing.end(batch, null);
    Tracing.end(event, null);
    ErrorReports.capture(failure, "event message:send", "socket", "user");
    return spans;
  }
}
