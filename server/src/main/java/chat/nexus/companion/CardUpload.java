package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import java.util.Locale;

/**
 * What a POST /api/characters carries, read and checked: the card, and for a PNG its bytes (kept:
 * the card travels in them) and the thumbnail visitors get. Parsing, the caps and the thumbnail are
 * CPU work of up to tens of milliseconds: {@link #read} runs on a worker, never on an event loop.
 */
record CardUpload(CharacterCard card, byte[] png, byte[] thumbnail) {

  /**
   * Whether a request with this Content-Type is a PNG upload (the only body allowed over
   * JSON_LIMIT).
   */
  static boolean isPng(String contentType) {
    return contentType != null
        && contentType.toLowerCase(Locale.ROOT).trim().startsWith("image/png");
  }

  /** Reads an upload; BAD_REQUEST or PAYLOAD_TOO_LARGE saying what is wrong. */
  static CardUpload read(byte[] body, String contentType) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).trim();
    if (isPng(type) || (!type.startsWith("application/json") && PngCard.looksLikePng(body))) {
      return png(body);
    }
    if (type.startsWith("application/json")) {
      return new CardUpload(CharacterCard.parse(body, "the card"), null, null);
    }
    throw ApiException.badRequest(
        "send a Character Card V2/V3 as application/json, or a PNG carrying one as image/png");
  }

  /** A PNG carrying a card: its declared size is checked before anything reads further. */
  static CardUpload png(byte[] png) {
    if (png.length == 0) {
      throw ApiException.badRequest("the body is empty: send a PNG carrying a character card");
    }
    if (!PngCard.looksLikePng(png)) {
      throw ApiException.badRequest("not a PNG: the body does not start with the PNG signature");
    }
    Avatar.declaredSize(png);
    CharacterCard card = PngCard.read(png);
    return new CardUpload(card, png, Avatar.thumbnail(png));
  }
}
