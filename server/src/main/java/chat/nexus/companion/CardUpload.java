package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import java.util.Locale;

/**
 * What a POST /api/characters carries, read and checked: the card, and for a PNG (or a CHARX's
 * icon) its bytes (kept: the card travels in them) and the thumbnail visitors get. Parsing, the
 * caps and the thumbnail are CPU work of up to tens of milliseconds: {@link #read} runs on a
 * worker, never on an event loop.
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

  /**
   * Whether a request with this Content-Type may be a CHARX (a zip) or a file of unknown type,
   * bodies allowed over JSON_LIMIT as a PNG is.
   */
  static boolean isFile(String contentType) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).trim();
    return isPng(type)
        || type.startsWith("application/zip")
        || type.startsWith("application/x-charx")
        || type.startsWith("application/octet-stream")
        || type.startsWith("multipart/form-data");
  }

  /**
   * Reads an upload: a PNG, a CHARX or a card's JSON (V1, V2 or V3), told apart by their first
   * bytes when the Content-Type does not say; BAD_REQUEST or PAYLOAD_TOO_LARGE saying what is
   * wrong.
   */
  static CardUpload read(byte[] body, String contentType) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).trim();
    boolean json = type.startsWith("application/json");
    if (isPng(type) || (!json && PngCard.looksLikePng(body))) {
      return png(body);
    }
    if (!json && CharxCard.looksLikeZip(body)) {
      CharxCard.Contents charx = CharxCard.read(body);
      CharacterCard card = CharacterCard.parse(charx.card(), "the CHARX's card.json");
      return charx.icon() == null
          ? new CardUpload(card, null, null)
          : withPicture(card, charx.icon());
    }
    if (json || isFile(type)) {
      return new CardUpload(CharacterCard.parse(body, "the card"), null, null);
    }
    throw ApiException.badRequest(
        "send a character card as application/json, a PNG carrying one as image/png, or a CHARX"
            + " as application/zip");
  }

  /** A card with a picture from elsewhere (a CHARX's icon): checked as any PNG. */
  static CardUpload withPicture(CharacterCard card, byte[] png) {
    Avatar.declaredSize(png);
    return new CardUpload(card, png, Avatar.thumbnail(png));
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
