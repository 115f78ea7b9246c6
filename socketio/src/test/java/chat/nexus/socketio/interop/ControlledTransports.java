package chat.nexus.socketio.interop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * okhttp transports for the official Java client that misbehave on demand: they drop the client's
 * pongs (to cause a server-side ping timeout) or cut the connection (a dropped transport). Plugged
 * in with IO.Options.webSocketFactory / callFactory.
 */
final class ControlledTransports {

  private ControlledTransports() {}

  /** okhttp websockets that can drop the client's pongs ("3") and be cut off. */
  static final class WebSockets implements WebSocket.Factory {
    private final OkHttpClient http =
        new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
    private final List<WebSocket> opened = new CopyOnWriteArrayList<>();
    volatile boolean dropPongs;
    final AtomicInteger droppedPongs = new AtomicInteger();

    @Override
    public WebSocket newWebSocket(Request request, WebSocketListener listener) {
      WebSocket real = http.newWebSocket(request, listener);
      WebSocket controlled =
          new WebSocket() {
            @Override
            public Request request() {
              return real.request();
            }

            @Override
            public long queueSize() {
              return real.queueSize();
            }

            @Override
            public boolean send(String text) {
              if (dropPongs && "3".equals(text)) {
                droppedPongs.incrementAndGet();
                return true;
              }
              return real.send(text);
            }

            @Override
            public boolean send(ByteString bytes) {
              return real.send(bytes);
            }

            @Override
            public boolean close(int code, String reason) {
              return real.close(code, reason);
            }

            @Override
            public void cancel() {
              real.cancel();
            }
          };
      opened.add(controlled);
      return controlled;
    }

    WebSocket last() {
      if (opened.isEmpty()) {
        throw new AssertionError("no websocket was opened");
      }
      return opened.get(opened.size() - 1);
    }
  }

  /** An okhttp client whose POSTs that hold only a pong ("3") never reach the server. */
  static final class PongDroppingHttp {
    volatile boolean dropPongs;
    final AtomicInteger droppedPongs = new AtomicInteger();
    final OkHttpClient client =
        new OkHttpClient.Builder()
            .readTimeout(1, TimeUnit.MINUTES)
            .addInterceptor(
                chain -> {
                  Request request = chain.request();
                  if (dropPongs && "POST".equals(request.method()) && request.body() != null) {
                    okio.Buffer body = new okio.Buffer();
                    request.body().writeTo(body);
                    if ("3".equals(body.readUtf8())) {
                      droppedPongs.incrementAndGet();
                      return new okhttp3.Response.Builder()
                          .request(request)
                          .protocol(okhttp3.Protocol.HTTP_1_1)
                          .code(200)
                          .message("OK")
                          .body(
                              okhttp3.ResponseBody.create(
                                  okhttp3.MediaType.parse("text/html"), "ok"))
                          .build();
                    }
                  }
                  return chain.proceed(request);
                })
            .build();
  }
}
