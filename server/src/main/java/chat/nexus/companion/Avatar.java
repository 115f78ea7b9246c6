package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A character's picture as visitors get it. A PNG says its size in its IHDR chunk, and a browser
 * (or we) decoding it allocates width x height x 4 bytes whatever the file weighs: 20,000 x 20,000
 * pixels are 1.6 GB from a few hundred KB. So the declared size is checked before anything decodes
 * the picture (at most {@link #MAX_SIDE} on each side), and what is served is a thumbnail
 * re-encoded from it once, at import and on a worker: at most {@link #THUMBNAIL_SIDE} pixels on its
 * long side, no metadata (the card stays in the original PNG, which is kept). javax.imageio (in the
 * JDK) decodes and encodes; nothing is read from or written to disk (in-memory image streams).
 */
final class Avatar {

  /** Largest picture accepted on either side: 16 MB once decoded, more than any avatar needs. */
  static final int MAX_SIDE = 2048;

  /**
   * Long side of the served picture: sharp in the gallery (shown at up to 256 CSS pixels, 2x
   * screens).
   */
  static final int THUMBNAIL_SIDE = 512;

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
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
    if (!readers.hasNext()) {
      throw new IllegalStateException("this Java runtime has no PNG reader (javax.imageio)");
    }
    ImageReader reader = readers.next();
    BufferedImage decoded;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(png))) {
      reader.setInput(in, true, true);
      // Reading every n-th pixel of a large picture keeps the decoded copy under about twice the
      // thumbnail.
      int step = Math.max(1, Math.max(size.width(), size.height()) / (2 * THUMBNAIL_SIDE));
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(step, step, 0, 0);
      decoded = reader.read(0, param);
    } catch (IOException | RuntimeException e) {
      throw ApiException.badRequest("the PNG's picture cannot be decoded");
    } finally {
      reader.dispose();
    }
    BufferedImage image = decoded;
    // Halving steps: one bilinear step from more than twice the size would skip pixels (aliasing).
    while (Math.max(image.getWidth(), image.getHeight()) > 2 * THUMBNAIL_SIDE) {
      image = resized(image, Math.max(1, image.getWidth() / 2), Math.max(1, image.getHeight() / 2));
    }
    int longSide = Math.max(image.getWidth(), image.getHeight());
    double scale = longSide <= THUMBNAIL_SIDE ? 1 : (double) THUMBNAIL_SIDE / longSide;
    return encode(
        resized(
            image,
            Math.max(1, (int) Math.round(image.getWidth() * scale)),
            Math.max(1, (int) Math.round(image.getHeight() * scale))));
  }

  private static BufferedImage resized(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static byte[] encode(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("this Java runtime has no PNG writer (javax.imageio)");
      }
    } catch (IOException e) {
      throw new IllegalStateException("encoding a thumbnail in memory failed", e);
    }
    return bytes.toByteArray();
  }

  private static long readUnsigned(byte[] bytes, int at) {
    return ((long) (bytes[at] & 0xff) << 24)
        | ((bytes[at + 1] & 0xff) << 16)
        | ((bytes[at + 2] & 0xff) << 8)
        | (bytes[at + 3] & 0xff);
  }
}
