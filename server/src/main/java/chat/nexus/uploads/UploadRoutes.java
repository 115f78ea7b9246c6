package chat.nexus.uploads;

import chat.nexus.auth.Identity;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.rooms.RoomIds;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The upload routes, mounted by HttpApi under its body handler and failure handler:
 *
 * <ul>
 *   <li>{@code POST /api/rooms/{roomId}/uploads} (signed in, may read the room): the file as
 *       multipart/form-data (field {@code file}, as browsers send a FormData), or as the raw body
 *       with {@code ?name=} its file name; up to UPLOAD_MAX_BYTES. 201 {@code {ok, upload: {id,
 *       name, contentType, size, width?, height?, image}}}.
 *   <li>{@code GET /api/uploads/{id}} and {@code GET /api/uploads/{id}/preview} (images only): the
 *       bytes, to users who may read the upload's room.
 * </ul>
 *
 * The body is read only once the caller is known, counted (UPLOAD_RATE_LIMIT_MAX) and allowed in
 * the room; a declared Content-Length over the limit is refused before any of it is read, a chunked
 * body as soon as it passes the limit.
 */
public final class UploadRoutes {

  /** Room of a multipart body's boundaries and part headers around the file. */
  public static final int MULTIPART_OVERHEAD_BYTES = 16 * 1024;

  /**
   * What a served file may do in a browser: nothing. An HTML or SVG file opened from our origin
   * runs no script, loads nothing, and is sandboxed (an opaque origin).
   */
  static final String FILE_CSP = "default-src 'none'; img-src 'self'; sandbox";

  /** Upload bytes never change under their id. */
  static final String CACHE_CONTROL = "private, max-age=31536000, immutable";

  private static final Pattern UPLOAD_PATH = Pattern.compile("/api/rooms/[^/]+/uploads/?");

  private final Uploads uploads;
  private final Blocking files;
  private final Handler<RoutingContext> body;

  public UploadRoutes(Uploads uploads, Blocking files, Path temporaryFolder) {
    this.uploads = uploads;
    this.files = files;
    this.body =
        BodyHandler.create(temporaryFolder.toString())
            .setBodyLimit(uploads.options().maxBytes() + MULTIPART_OVERHEAD_BYTES)
            .setDeleteUploadedFilesOnEnd(true)
            .setMergeFormAttributes(false);
  }

  /** Whether the request is a room upload: HttpApi leaves its body unread until it is admitted. */
  public static boolean isUpload(HttpServerRequest request) {
    return request.method() == HttpMethod.POST && UPLOAD_PATH.matcher(request.path()).matches();
  }

  /** The largest body a room upload may declare (the file and its multipart wrapping). */
  public long bodyLimit() {
    return uploads.options().maxBytes() + MULTIPART_OVERHEAD_BYTES;
  }

  /** Adds the routes; {@code counted} counts the caller against the upload rate limit. */
  public void mount(
      Router router,
      Handler<RoutingContext> authenticated,
      Handler<RoutingContext> counted,
      Function<RoutingContext, Identity> identity) {
    router
        .post("/api/rooms/:roomId/uploads")
        .handler(authenticated)
        .handler(counted)
        .handler(ctx -> admit(ctx, identity.apply(ctx)))
        .handler(ctx -> body.handle(ctx))
        .handler(ctx -> create(ctx, identity.apply(ctx)));
    router
        .get("/api/uploads/:id")
        .handler(authenticated)
        .handler(ctx -> serve(ctx, identity.apply(ctx), false));
    router
        .get("/api/uploads/:id/preview")
        .handler(authenticated)
        .handler(ctx -> serve(ctx, identity.apply(ctx), true));
  }

  /** The room may be read by the caller and a place is free: then the body may come in. */
  private void admit(RoutingContext ctx, Identity me) {
    String roomId = RoomIds.validate(ctx.pathParam("roomId"));
    uploads
        .checkReader(roomId, me.userId())
        .onComplete(
            allowed -> {
              if (allowed.failed()) {
                ctx.fail(allowed.cause());
              } else if (!uploads.tryStart()) {
                ctx.fail(
                    new ApiException(
                        ErrorCode.UNAVAILABLE, "too many uploads in progress: try again", 1L));
              } else {
                ctx.addEndHandler(done -> uploads.done());
                ctx.next();
              }
            });
  }

  private void create(RoutingContext ctx, Identity me) {
    // The canonical id admit() checked: stored as typed ("Secret"), the upload would belong to a
    // room nobody made, public by default, and be readable by anyone.
    String roomId = RoomIds.validate(ctx.pathParam("roomId"));
    Future<byte[]> bytes;
    String name;
    if (!ctx.fileUploads().isEmpty()) {
      FileUpload file =
          ctx.fileUploads().stream()
              .filter(f -> "file".equals(f.name()))
              .findFirst()
              .orElse(ctx.fileUploads().get(0));
      if (file.size() > uploads.options().maxBytes()) {
        throw Uploads.tooLarge(uploads.options().maxBytes());
      }
      name = file.fileName();
      bytes = files.run(() -> Files.readAllBytes(Path.of(file.uploadedFileName())));
    } else if (isMultipart(ctx)) {
      throw ApiException.badRequest("send the file in a multipart field named file");
    } else {
      Buffer raw = ctx.body().buffer();
      if (raw == null || raw.length() == 0) {
        throw ApiException.badRequest(
            "send the file as multipart/form-data (field file) or as the body with ?name=");
      }
      name = ctx.queryParams().get("name");
      bytes = Future.succeededFuture(raw.getBytes());
    }
    bytes
        .compose(data -> uploads.accept(roomId, me.userId(), name, data))
        .onComplete(
            done -> {
              if (done.failed()) {
                ctx.fail(done.cause());
              } else if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.response()
                    .setStatusCode(201)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(
                        new JsonObject()
                            .put("ok", true)
                            .put("upload", done.result().attachment())
                            .encode());
              }
            });
  }

  private static boolean isMultipart(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.toLowerCase().startsWith("multipart/");
  }

  private void serve(RoutingContext ctx, Identity me, boolean preview) {
    String id = ctx.pathParam("id");
    if (id == null || !chat.nexus.chat.ClientInput.isUploadId(id)) {
      throw ApiException.notFound("no such upload");
    }
    uploads
        .readable(id, me.userId())
        .compose(upload -> uploads.bytes(upload, preview).map(data -> new Served(upload, data)))
        .onComplete(
            done -> {
              if (done.failed()) {
                ctx.fail(done.cause());
                return;
              }
              if (ctx.response().ended() || ctx.response().closed()) {
                return;
              }
              Upload upload = done.result().upload();
              String etag = "\"" + upload.id() + (preview ? "-p" : "") + "\"";
              ctx.response()
                  .putHeader("X-Content-Type-Options", "nosniff")
                  .putHeader("Content-Security-Policy", FILE_CSP)
                  .putHeader("Cross-Origin-Resource-Policy", "same-origin")
                  .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                  .putHeader(HttpHeaders.ETAG, etag);
              if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
                ctx.response().setStatusCode(304).end();
                return;
              }
              boolean inline = upload.image();
              String type =
                  preview
                      ? ("image/webp".equals(upload.contentType()) ? "image/webp" : "image/png")
                      : inline ? upload.contentType() : servedType(upload.contentType());
              ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, type)
                  .putHeader(
                      "Content-Disposition",
                      (inline ? "inline" : "attachment") + "; " + fileName(upload.name()))
                  .end(Buffer.buffer(done.result().data()));
            });
  }

  private record Served(Upload upload, byte[] data) {}

  /**
   * A download's type: what it is, except kinds a browser would run or render as a page (HTML, SVG,
   * XML, script), which are sent as plain bytes whatever the other headers do.
   */
  static String servedType(String contentType) {
    String t = contentType.toLowerCase();
    boolean active =
        t.startsWith("text/html")
            || t.contains("xml")
            || t.contains("svg")
            || t.contains("javascript")
            || t.contains("ecmascript");
    return active ? "application/octet-stream" : contentType;
  }

  /** filename= in ASCII (others made _) and filename*= in UTF-8, as RFC 6266 says. */
  static String fileName(String name) {
    StringBuilder ascii = new StringBuilder();
    for (char c : name.toCharArray()) {
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
    }
    return "filename=\""
        + ascii
        + "\"; filename*=UTF-8''"
        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
