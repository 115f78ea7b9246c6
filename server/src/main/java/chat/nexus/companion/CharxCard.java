package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * A CHARX file (the V3 zip): {@code card.json} at its root, and assets, of which the card's main
 * icon, when it is a PNG in the zip, becomes the character's picture. A zip says nothing true about
 * what it inflates to, so everything is counted as it is read (java.util.zip, streaming, nothing
 * written to disk): at most {@link #MAX_ENTRIES} entries, {@link #MAX_INFLATED_BYTES} inflated in
 * all and {@link #MAX_RATIO} times the zip's own size, each kept entry at most its own cap. Entries
 * other than the card and PNG pictures are inflated (to be counted) and dropped.
 */
final class CharxCard {

  static final int MAX_ENTRIES = 1_000;

  static final long MAX_INFLATED_BYTES = 32L << 20;

  /** Text and PNG compress a few times at best; a bomb, thousands of times. */
  static final long MAX_RATIO = 50;

  /** The zip's local file header. */
  private static final byte[] SIGNATURE = {'P', 'K', 3, 4};

  private static final String CARD = "card.json";
  private static final String ICONS = "assets/icon/";
  private static final String EMBEDDED = "embeded://";
  private static final String EMBEDDED_SPELLED = "embedded://";

  /** The card's JSON and its picture (a PNG, or null). */
  record Contents(byte[] card, byte[] icon) {}

  private CharxCard() {}

  static boolean looksLikeZip(byte[] bytes) {
    if (bytes.length < SIGNATURE.length) {
      return false;
    }
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (bytes[i] != SIGNATURE[i]) {
        return false;
      }
    }
    return true;
  }

  /** The card and picture of a CHARX; BAD_REQUEST or PAYLOAD_TOO_LARGE saying what is wrong. */
  static Contents read(byte[] zip) {
    long inflatedCap = Math.min(MAX_INFLATED_BYTES, Math.max(1, zip.length) * MAX_RATIO);
    byte[] card = null;
    String cardIcon = null;
    Map<String, byte[]> pictures = new HashMap<>();
    long inflated = 0;
    int entries = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (++entries > MAX_ENTRIES) {
          throw CardLimits.tooLarge("the CHARX has more than " + MAX_ENTRIES + " files");
        }
        String name = entry.getName();
        boolean keep =
            !entry.isDirectory()
                && (CARD.equals(name) || name.startsWith(ICONS) || name.equals(cardIcon));
        long cap =
            CARD.equals(name) ? CardLimits.MAX_CARD_BYTES : CharacterRoutes.UPLOAD_LIMIT_BYTES;
        Entry read = readEntry(in, keep, cap, inflatedCap - inflated, name);
        inflated += read.inflated();
        if (CARD.equals(name)) {
          card = read.bytes();
          cardIcon = iconPath(card);
        } else if (keep) {
          pictures.put(name, read.bytes());
        }
      }
    } catch (ZipException e) {
      throw ApiException.badRequest("the CHARX is not a readable zip: " + e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("the CHARX cannot be read: " + e.getMessage());
    }
    if (card == null) {
      throw ApiException.badRequest("the CHARX has no card.json at its root");
    }
    return new Contents(card, icon(card, pictures));
  }

  /** An entry's bytes (null: dropped) and how many it inflated to. */
  private record Entry(byte[] bytes, long inflated) {}

  /**
   * Reads one entry, counted against what may still be inflated; its bytes when kept (under {@code
   * cap}), else null.
   */
  private static Entry readEntry(InputStream in, boolean keep, long cap, long left, String name)
      throws IOException {
    java.io.ByteArrayOutputStream out = keep ? new java.io.ByteArrayOutputStream() : null;
    byte[] buffer = new byte[16 * 1024];
    long total = 0;
    for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
      total += n;
      if (total > left) {
        throw CardLimits.tooLarge(
            "the CHARX inflates to more than "
                + Math.min(MAX_INFLATED_BYTES, left)
                + " bytes (at most "
                + MAX_INFLATED_BYTES
                + ", and "
                + MAX_RATIO
                + " times its size)");
      }
      if (out != null) {
        if (total > cap) {
          throw CardLimits.tooLarge(
              "the CHARX's " + CharacterCard.abbreviate(name, 80) + " is over " + cap + " bytes");
        }
        out.write(buffer, 0, n);
      }
    }
    return new Entry(out == null ? null : out.toByteArray(), total);
  }

  /**
   * The card's main icon when it is a PNG in the zip ({@code embeded://path}, as the spec spells
   * it), else the first PNG under {@code assets/icon/}; null when there is none.
   */
  private static byte[] icon(byte[] card, Map<String, byte[]> pictures) {
    String path = iconPath(card);
    byte[] icon = path == null ? null : pictures.get(path);
    if (icon == null) {
      icon =
          pictures.entrySet().stream()
              .filter(p -> p.getKey().startsWith(ICONS))
              .sorted(Map.Entry.comparingByKey())
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null);
    }
    return icon != null && PngCard.looksLikePng(icon) ? icon : null;
  }

  /** The zip path of the card's first icon asset, or null. */
  private static String iconPath(byte[] card) {
    try {
      JsonObject data =
          new JsonObject(new String(card, StandardCharsets.UTF_8)).getJsonObject("data");
      JsonArray assets = data == null ? null : data.getJsonArray("assets");
      for (int i = 0; assets != null && i < assets.size(); i++) {
        if (assets.getValue(i) instanceof JsonObject asset
            && "icon".equals(asset.getValue("type"))
            && asset.getValue("uri") instanceof String uri) {
          return embeddedPath(uri);
        }
      }
    } catch (RuntimeException e) {
      // the card itself is refused later, saying why
    }
    return null;
  }

  private static String embeddedPath(String uri) {
    if (uri.startsWith(EMBEDDED)) {
      return uri.substring(EMBEDDED.length());
    }
    return uri.startsWith(EMBEDDED_SPELLED) ? uri.substring(EMBEDDED_SPELLED.length()) : null;
  }
}
