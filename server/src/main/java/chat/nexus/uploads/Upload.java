package chat.nexus.uploads;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A stored upload: {@code contentType} as read from its bytes; {@code image} when it is a PNG,
 * JPEG, GIF or WebP picture with a preview, shown inline (width and height then known), anything
 * else is served as a download.
 */
record Upload(
    String id,
    String roomId,
    String userId,
    String name,
    String contentType,
    long size,
    Integer width,
    Integer height,
    boolean image,
    String store,
    Instant createdAt) {

  /** What a message carries: {id, name, contentType, size, width?, height?, image}. */
  JsonObject attachment() {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("name", name)
            .put("contentType", contentType)
            .put("size", size)
            .put("image", image);
    if (width != null && height != null) {
      json.put("width", width).put("height", height);
    }
    return json;
  }

  String fileKey() {
    return fileKey(id);
  }

  String previewKey() {
    return previewKey(id);
  }

  static String fileKey(String id) {
    return "uploads/" + id;
  }

  static String previewKey(String id) {
    return "uploads/" + id + "/preview";
  }
}
