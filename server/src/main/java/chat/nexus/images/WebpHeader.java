package chat.nexus.images;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The canvas size in a WebP file's header (RIFF "WEBP" then a VP8, VP8L or VP8X chunk), for the one
 * picture type the JDK cannot decode: enough to bound what a browser will decode.
 */
final class WebpHeader {

  private WebpHeader() {}

  static Optional<Thumbnails.Size> size(byte[] b) {
    if (b.length < 30 || !ascii(b, 0, "RIFF") || !ascii(b, 8, "WEBP")) {
      return Optional.empty();
    }
    if (ascii(b, 12, "VP8X")) {
      int width = 1 + (u8(b, 24) | u8(b, 25) << 8 | u8(b, 26) << 16);
      int height = 1 + (u8(b, 27) | u8(b, 28) << 8 | u8(b, 29) << 16);
      return Optional.of(new Thumbnails.Size(width, height));
    }
    if (ascii(b, 12, "VP8L") && u8(b, 20) == 0x2f) {
      long bits = u8(b, 21) | u8(b, 22) << 8 | u8(b, 23) << 16 | (long) u8(b, 24) << 24;
      int width = 1 + (int) (bits & 0x3fff);
      int height = 1 + (int) ((bits >> 14) & 0x3fff);
      return Optional.of(new Thumbnails.Size(width, height));
    }
    if (ascii(b, 12, "VP8 ") && u8(b, 23) == 0x9d && u8(b, 24) == 0x01 && u8(b, 25) == 0x2a) {
      int width = (u8(b, 26) | u8(b, 27) << 8) & 0x3fff;
      int height = (u8(b, 28) | u8(b, 29) << 8) & 0x3fff;
      return width > 0 && height > 0
          ? Optional.of(new Thumbnails.Size(width, height))
          : Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean ascii(byte[] b, int at, String text) {
    return new String(b, at, 4, StandardCharsets.ISO_8859_1).equals(text);
  }

  private static int u8(byte[] b, int at) {
    return b[at] & 0xff;
  }
}
