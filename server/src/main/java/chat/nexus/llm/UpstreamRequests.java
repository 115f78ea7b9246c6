package chat.nexus.llm;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/** The requests sent to an OpenAI-compatible upstream: where, with which key, and what body. */
final class UpstreamRequests {

  private final LlmOptions options;

  /** What every body carries beside the call's own fields. */
  private final JsonObject fixed;

  UpstreamRequests(LlmOptions options) {
    this.options = options;
    // the usage chunk at the end of the stream gives the token counts of the user's quota
    this.fixed =
        new JsonObject().put("stream_options", new JsonObject().put("include_usage", true));
    if (options.venice()) {
      // else Venice puts its own assistant prompt before the character's
      fixed.put("venice_parameters", new JsonObject().put("include_venice_system_prompt", false));
    }
    ExtraBody.merge(fixed, options.extraBody());
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

  /**
   * The JSON body of a chat completion, in the default model when the request names none, asking
   * for the usage in the stream, without Venice's own system prompt, and with LLM_EXTRA_BODY.
   */
  Buffer body(LlmRequest request) {
    String model = request.model() != null ? request.model() : options.model();
    JsonObject body = request.toBody(model);
    ExtraBody.merge(body, fixed);
    return body.toBuffer();
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
