package chat.nexus.web;

import java.util.Locale;

/**
 * Picks the encoding of an asset for a request's Accept-Encoding: the one with the highest q value
 * among those the asset has, brotli before gzip on a tie (it is smaller), and the plain bytes when
 * the client takes neither.
 */
final class ContentCoding {

  static final String BROTLI = "br";
  static final String GZIP = "gzip";
  static final String IDENTITY = "identity";

  private ContentCoding() {}

  static String choose(String acceptEncoding, Asset asset) {
    if (acceptEncoding == null || !asset.compressed()) {
      return IDENTITY;
    }
    double br = asset.brotli().isPresent() ? weight(acceptEncoding, BROTLI) : 0;
    double gzip = asset.gzip().isPresent() ? weight(acceptEncoding, GZIP) : 0;
    if (br > 0 && br >= gzip) {
      return BROTLI;
    }
    return gzip > 0 ? GZIP : IDENTITY;
  }

  static byte[] body(Asset asset, String coding) {
    return switch (coding) {
      case BROTLI -> asset.brotli().orElseThrow();
      case GZIP -> asset.gzip().orElseThrow();
      default -> asset.identity();
    };
  }

  /** The q value the header gives this coding: its own entry, else "*", else 0. */
  static double weight(String acceptEncoding, String coding) {
    double star = 0;
    for (String entry : acceptEncoding.split(",")) {
      String[] parts = entry.split(";");
      String name = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = quality(parts);
      if (name.equals(coding)) {
        return q;
      }
      if (name.equals("*")) {
        star = q;
      }
    }
    return star;
  }

  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          return Double.parseDouble(p.substring(2).trim());
        } catch (NumberFormatException e) {
          return 0; // a q value that is not a number accepts nothing
        }
      }
    }
    return 1;
  }
}
