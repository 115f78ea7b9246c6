package chat.nexus.images;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Pictures re-encoded small: a PNG of at most a given side, no metadata, made in memory with
 * javax.imageio (PNG, JPEG and GIF readers are in the JDK). A picture's header says its size, and
 * decoding allocates width x height x 4 bytes whatever the file weighs, so the size is read first
 * (without decoding) and large pictures are read every n-th pixel (source subsampling): the decoded
 * copy stays near twice the thumbnail. Blocking and CPU-bound: call from a worker.
 */
public final class Thumbnails {

  /** The width and height a picture declares. */
  public record Size(int width, int height) {}

  private Thumbnails() {}

  /**
   * The size a picture of this format ("png", "jpeg", "gif") declares in its header, read without
   * decoding its pixels; empty when no reader of the JDK understands it.
   */
  public static Optional<Size> declaredSize(byte[] bytes, String format) {
    Optional<ImageReader> found = reader(format);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ImageReader reader = found.get();
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      return Optional.of(new Size(reader.getWidth(0), reader.getHeight(0)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } finally {
      reader.dispose();
    }
  }

  /**
   * A PNG of the picture at most {@code maxSide} pixels on its long side (never enlarged), its
   * first frame for an animated GIF; empty when the picture cannot be decoded. The caller has
   * checked its declared {@code size}.
   */
  public static Optional<byte[]> png(byte[] bytes, String format, Size size, int maxSide) {
    Optional<ImageReader> found = reader(format);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ImageReader reader = found.get();
    BufferedImage decoded;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      int step = Math.max(1, Math.max(size.width(), size.height()) / (2 * maxSide));
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(step, step, 0, 0);
      decoded = reader.read(0, param);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } finally {
      reader.dispose();
    }
    BufferedImage image = decoded;
    // Halving steps: one bilinear step from more than twice the size would skip pixels (aliasing).
    while (Math.max(image.getWidth(), image.getHeight()) > 2 * maxSide) {
      image = resized(image, Math.max(1, image.getWidth() / 2), Math.max(1, image.getHeight() / 2));
    }
    int longSide = Math.max(image.getWidth(), image.getHeight());
    double scale = longSide <= maxSide ? 1 : (double) maxSide / longSide;
    return Optional.of(
        encode(
            resized(
                image,
                Math.max(1, (int) Math.round(image.getWidth() * scale)),
                Math.max(1, (int) Math.round(image.getHeight() * scale)))));
  }

  private static Optional<ImageReader> reader(String format) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    return readers.hasNext() ? Optional.of(readers.next()) : Optional.empty();
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
}
