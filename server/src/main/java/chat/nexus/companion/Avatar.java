package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import chat.nexus.images.Thumbnails;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/**
 * A character's picture as visitors get it. A PNG says its size in its IHDR chunk, and a browser
 * (or we) decoding it allocates width x height x 4 bytes whatever the file weighs: 20,000 x 20,000
 * pixels are 1.6 GB from a few hundred KB. So the declared size is checked before anything decodes
 * the picture (at most {@link #MAX_SIDE} on each side), and what is served is a thumbnail
 * re-encoded from it once, at import and on a worker: at most {@link #THUMBNAIL_SIDE} pixels on its
 * long side, no metadata (the card stays in the original PNG, which is kept). {@link Thumbnails}
 * (javax.imageio, in the JDK) decodes and encodes, in memory.
 */
final class Avatar {

  /** Largest picture accepted on either side: 16 MB once decoded, more than any avatar needs. */
  static final int MAX_SIDE = 2048;

  /**
   * Long side of the served picture: sharp in the gallery (shown at up to 256 CSS pixels, 2x
   * screens).
   */
  static final int THUMBNAIL_SIDE = 512;

  /** Side of the picture exported for a character without one. */
  static final int PLACEHOLDER_SIDE = 256;

  private static final int IHDR_END = 8 + 4 + 4 + 13;

  record Size(int width, int height) {}

  private Avatar() {}

  /** The size the PNG declares (its first chunk must be IHDR, as the PNG specification says). */
  static Size declaredSize(byte[] png) {
    if (png.length < IHDR_END
        || !"IHDR".equals(new String(png, 12, 4, StandardCharsets.ISO_8859_1))) {
      throw ApiException.badRequest("the PNG does not start with its IHDR chunk");
    }
    long width = readUnsigned(png, 16);
    long height = readUnsigned(png, 20);
    if (width == 0 || height == 0) {
      throw ApiException.badRequest(
          "the PNG declares an empty picture (" + width + " x " + height + ")");
    }
    if (width > MAX_SIDE || height > MAX_SIDE) {
      throw CardLimits.tooLarge(
          "the picture is "
              + width
              + " x "
              + height
              + " pixels; at most "
              + MAX_SIDE
              + " x "
              + MAX_SIDE);
    }
    return new Size((int) width, (int) height);
  }

  /**
   * The thumbnail of a PNG whose size is acceptable; a BAD_REQUEST when its picture cannot be
   * decoded.
   */
  static byte[] thumbnail(byte[] png) {
    Size size = declaredSize(png);
    return Thumbnails.png(
            png, "png", new Thumbnails.Size(size.width(), size.height()), THUMBNAIL_SIDE)
        .orElseThrow(() -> ApiException.badRequest("the PNG's picture cannot be decoded"));
  }

  /**
   * The picture of a character without one, for a PNG export: a square in a colour of its name, the
   * same on every export.
   */
  static byte[] placeholder(String name) {
    BufferedImage image =
        new BufferedImage(PLACEHOLDER_SIDE, PLACEHOLDER_SIDE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.getHSBColor(Math.floorMod(name.hashCode(), 360) / 360f, 0.45f, 0.55f));
      g.fillRect(0, 0, PLACEHOLDER_SIDE, PLACEHOLDER_SIDE);
      g.setColor(new Color(255, 255, 255, 70));
      g.fillOval(
          PLACEHOLDER_SIDE / 4, PLACEHOLDER_SIDE / 4, PLACEHOLDER_SIDE / 2, PLACEHOLDER_SIDE / 2);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static long readUnsigned(byte[] bytes, int at) {
    return ((long) (bytes[at] & 0xff) << 24)
        | ((bytes[at + 1] & 0xff) << 16)
        | ((bytes[at + 2] & 0xff) << 8)
        | (bytes[at + 3] & 0xff);
  }
}
