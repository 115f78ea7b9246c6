package chat.nexus.chat;

import chat.nexus.errors.ApiException;
import chat.nexus.socketio.Event;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * The one way client events are answered: the payload must be an object; the action's result is acked as
 * {ok: true, ...}, its failure as the contract's error shape (unexpected failures logged, never leaked).
 */
public final class EventAcks {

  private static final System.Logger LOG = System.getLogger(EventAcks.class.getName());

  private EventAcks() {}

  public static void handle(Event event, Function<JsonObject, Future<JsonObject>> action) {
    handle(event, action, null);
  }

  /** As {@link #handle(Event, Function)}, then runs {@code afterAck} (when not null) once the ack is sent. */
  public static void handle(Event event, Function<JsonObject, Future<JsonObject>> action, Runnable afterAck) {
    Future<JsonObject> result;
    try {
      if (!(event.arg(0) instanceof JsonObject payload)) {
        throw ApiException.badRequest("the payload must be an object");
      }
      result = action.apply(payload);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(done -> {
      if (done.succeeded()) {
        event.ack(done.result().put("ok", true));
      } else {
        Throwable cause = done.cause();
        if (cause instanceof CancellationException) {
          return; // the caller went away: nobody to answer
        }
        if (!(cause instanceof ApiException)) {
          LOG.log(Level.ERROR, "event " + event.name() + " failed", cause);
        }
        event.ack(ApiException.toJson(cause));
      }
      if (afterAck != null) {
        afterAck.run();
      }
    });
  }
}
