package chat.nexus.chat;

import chat.nexus.auth.SocketSession;
import chat.nexus.errors.ApiException;
import chat.nexus.observability.Logs;
import chat.nexus.socketio.Event;
import chat.nexus.telemetry.ErrorReports;
import chat.nexus.telemetry.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * The one way client events are answered: the payload must be an object; the action's result is
 * acked as {ok: true, ...}, its failure as the contract's error shape (unexpected failures logged,
 * never leaked).
 */
public final class EventAcks {

  private static final System.Logger LOG = System.getLogger(EventAcks.class.getName());

  private EventAcks() {}

  public static void handle(Event event, Function<JsonObject, Future<JsonObject>> action) {
    handle(event, action, null);
  }

  /**
   * As {@link #handle(Event, Function)}, then runs {@code afterAck} (when not null) once the ack is
   * sent.
   */
  public static void handle(
      Event event, Function<JsonObject, Future<JsonObject>> action, Runnable afterAck) {
    handle(event, Future.succeededFuture(), action, afterAck);
  }

  /**
   * Runs the action once {@code gate} (the rate limiter) lets the event through; acks its refusal
   * otherwise.
   */
  public static void handle(
      Event event, Future<Void> gate, Function<JsonObject, Future<JsonObject>> action) {
    handle(event, gate, action, null);
  }

  public static void handle(
      Event event,
      Future<Void> gate,
      Function<JsonObject, Future<JsonObject>> action,
      Runnable afterAck) {
    // the event's trace, from its arrival to its ack (null when tracing is off)
    Span span = Tracing.on() ? Tracing.event(event.name(), userId(event)) : null;
    if (gate.isComplete()) {
      run(event, gate, action, afterAck, span);
    } else {
      gate.onComplete(done -> run(event, gate, action, afterAck, span));
    }
  }

  private static String userId(Event event) {
    return SocketSession.in(event.socket().data()).map(SocketSession::userId).orElse(null);
  }

  private static void run(
      Event event,
      Future<Void> gate,
      Function<JsonObject, Future<JsonObject>> action,
      Runnable afterAck,
      Span span) {
    if (gate.failed()) {
      event.ack(ApiException.toJson(gate.cause()));
      Tracing.end(span, gate.cause());
      return;
    }
    Future<JsonObject> result;
    try (Scope scope = Tracing.scope(span)) {
      if (!(event.arg(0) instanceof JsonObject payload)) {
        throw ApiException.badRequest("the payload must be an object");
      }
      result = action.apply(payload);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(
        done -> {
          if (span != null) {
            span.addEvent("ack");
            Tracing.end(span, done.cause());
          }
          if (done.succeeded()) {
            event.ack(done.result().put("ok", true));
          } else {
            Throwable cause = done.cause();
            if (cause instanceof CancellationException) {
              return; // the caller went away: nobody to answer
            }
            if (!(cause instanceof ApiException)) {
              String userId = userId(event);
              ErrorReports.capture(cause, "event " + event.name(), event.socket().id(), userId);
              Logs.withRequest(
                  event.socket().id(),
                  userId,
                  () -> LOG.log(Level.ERROR, "event " + event.name() + " failed", cause));
            }
            event.ack(ApiException.toJson(cause));
          }
          if (afterAck != null) {
            afterAck.run();
          }
        });
  }
}
