package chat.nexus.llm;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** The requests sent to an OpenAI-compatible upstream: where, with which key, and what body. */
final class UpstreamRequests {

  private final LlmOptions options;

  UpstreamRequests(LlmOptions options) {
    this.options = options;
  }

  /** {@code POST /chat/completions}, asking for a stream of server-sent events. */
  RequestOptions chatCompletions(String secret) {
    return to(HttpMethod.POST, "/chat/completions", secret)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ACCEPT, "text/event-stream");
  }

  /**
   * {@code GET /models}, which every OpenAI-compatible server answers without a model run: what
   * keeps a connection open and in use.
   */
  RequestOptions modelList(String secret) {
    return to(HttpMethod.GET, "/models", secret).setIdleTimeout(options.connectTimeoutMs());
  }

  /** The JSON body of a chat completion, in the default model when the request names none. */
  Buffer body(LlmRequest request) {
    String model = request.model() != null ? request.model() : options.model();
    return request.toBody(model).toBuffer();
  }

  /** A request to the upstream's {@code path}, with the connect timeout and this key. */
  private RequestOptions to(HttpMethod method, String path, String secret) {
    return new RequestOptions()
        .setMethod(method)
        .setAbsoluteURI(options.baseUrl() + path)
        .setConnectTimeout(options.connectTimeoutMs())
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + secret);
  }
}
