package chat.nexus.images;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.apache.tika.detect.Detector;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

/**
 * What a file is, read from its bytes (Apache Tika's magic numbers), never from what the client
 * declares: an HTML page sent as image/png is text/html here. Only PNG, JPEG, GIF and WebP are
 * pictures; SVG is not (it can carry script).
 */
public final class ImageKinds {

  /** The picture types shown inline, with the javax.imageio format name (null: no JDK reader). */
  private static final Map<String, String> PICTURES =
      Map.of(
          "image/png", "png",
          "image/jpeg", "jpeg",
          "image/gif", "gif",
          "image/webp", "webp");

  /** Bytes Tika looks at: enough for every magic number it knows. */
  static final int HEAD_BYTES = 64 * 1024;

  private static final Detector DETECTOR = MimeTypes.getDefaultMimeTypes();

  private ImageKinds() {}

  /**
   * The media type of the bytes (without parameters); the file name only helps tell apart types the
   * bytes leave open (a text file's kind), it never makes bytes a picture.
   */
  public static String detect(byte[] bytes, String fileName) {
    String fromBytes = detectType(bytes, null);
    if (isPicture(fromBytes) || fileName == null) {
      return fromBytes;
    }
    String withName = detectType(bytes, fileName);
    // A name such as "x.png" on bytes that are not a PNG must not make them one.
    return isPicture(withName) || withName.startsWith("image/svg") ? fromBytes : withName;
  }

  private static String detectType(byte[] bytes, String fileName) {
    Metadata metadata = new Metadata();
    if (fileName != null) {
      metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
    }
    try (InputStream in = new ByteArrayInputStream(bytes, 0, Math.min(bytes.length, HEAD_BYTES))) {
      MediaType type = DETECTOR.detect(in, metadata);
      return type.getBaseType().toString();
    } catch (IOException e) {
      return MediaType.OCTET_STREAM.toString();
    }
  }

  /** Whether the media type is one of the pictures shown inline. */
  public static boolean isPicture(String mediaType) {
    return PICTURES.containsKey(mediaType);
  }

  /** The javax.imageio format of a picture type ("png", "jpeg", "gif", "webp"). */
  public static Optional<String> format(String mediaType) {
    return Optional.ofNullable(PICTURES.get(mediaType));
  }

  /**
   * The size a picture declares: from javax.imageio for PNG, JPEG and GIF, from the RIFF header for
   * WebP (which the JDK cannot decode).
   */
  public static Optional<Thumbnails.Size> declaredSize(byte[] bytes, String mediaType) {
    if ("image/webp".equals(mediaType)) {
      return WebpHeader.size(bytes);
    }
    return format(mediaType).flatMap(format -> Thumbnails.declaredSize(bytes, format));
  }
}
