package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * Reads the card embedded in a PNG, with a small chunk parser of our own (signature, then length,
 * type, data and CRC-32 per chunk; every CRC is checked). The card is a {@code tEXt} chunk whose
 * keyword is {@code ccv3} (V3) or {@code chara} (V2), holding base64 of the card's UTF-8 JSON;
 * {@code ccv3} wins when both are present.
 */
public final class PngCard {

  static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private PngCard() {}

  /** Whether the bytes start with the PNG signature. */
  public static boolean looksLikePng(byte[] bytes) {
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

  /** The card of a PNG; a BAD_REQUEST saying what is wrong otherwise. */
  public static CharacterCard read(byte[] png) {
    if (!looksLikePng(png)) {
      throw ApiException.badRequest("not a PNG: the body does not start with the PNG signature");
    }
    CardChunks found = cardChunks(png);
    if (found.ccv3() != null) {
      return CharacterCard.parse(decode(found.ccv3(), "ccv3"), "the card in the PNG's ccv3 chunk");
    }
    if (found.chara() != null) {
      return CharacterCard.parse(
          decode(found.chara(), "chara"), "the card in the PNG's chara chunk");
    }
    if (!found.ended()) {
      throw ApiException.badRequest(
          "the PNG is truncated: no IEND chunk, and no card chunk (tEXt chara or ccv3)");
    }
    throw ApiException.badRequest(
        "no card in the PNG: it has no tEXt chunk with keyword chara or ccv3");
  }

  /** The texts of the card chunks (null: none), and whether the PNG reached its IEND chunk. */
  private record CardChunks(String chara, String ccv3, boolean ended) {}

  /** Walks the chunks up to IEND, checking each one's length and CRC. */
  private static CardChunks cardChunks(byte[] png) {
    String chara = null;
    String ccv3 = null;
    int pos = SIGNATURE.length;
    while (pos < png.length) {
      int dataEnd = checkedChunk(png, pos);
      String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
      if ("tEXt".equals(type)) {
        TextChunk text = textChunk(png, pos + 8, dataEnd);
        if (text != null && "chara".equalsIgnoreCase(text.keyword())) {
          chara = text.text();
        } else if (text != null && "ccv3".equalsIgnoreCase(text.keyword())) {
          ccv3 = text.text();
        }
      }
      pos = dataEnd + 4;
      if ("IEND".equals(type)) {
        return new CardChunks(chara, ccv3, true);
      }
    }
    return new CardChunks(chara, ccv3, false);
  }

  /** Checks the chunk at {@code pos} (complete, CRC right); where its data ends. */
  private static int checkedChunk(byte[] png, int pos) {
    if (png.length - pos < 12) {
      throw ApiException.badRequest("the PNG is truncated: an incomplete chunk at byte " + pos);
    }
    long length = readInt(png, pos) & 0xffffffffL;
    String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
    if (length > png.length - pos - 12L) {
      throw ApiException.badRequest(
          "the PNG is truncated: chunk "
              + printable(type)
              + " at byte "
              + pos
              + " claims "
              + length
              + " bytes, more than the PNG holds");
    }
    int dataEnd = pos + 8 + (int) length;
    CRC32 crc = new CRC32();
    crc.update(png, pos + 4, 4 + (int) length);
    long expected = readInt(png, dataEnd) & 0xffffffffL;
    if (crc.getValue() != expected) {
      throw ApiException.badRequest(
          "the PNG is corrupt: bad CRC in chunk " + printable(type) + " at byte " + pos);
    }
    return dataEnd;
  }

  private record TextChunk(String keyword, String text) {}

  /** A tEXt chunk's keyword and text, or null when it has no keyword. */
  private static TextChunk textChunk(byte[] png, int dataStart, int dataEnd) {
    int zero = -1;
    for (int i = dataStart; i < dataEnd; i++) {
      if (png[i] == 0) {
        zero = i;
        break;
      }
    }
    if (zero <= dataStart) {
      return null;
    }
    return new TextChunk(
        new String(png, dataStart, zero - dataStart, StandardCharsets.ISO_8859_1),
        new String(png, zero + 1, dataEnd - zero - 1, StandardCharsets.ISO_8859_1));
  }

  private static byte[] decode(String base64, String keyword) {
    String compact = base64.replaceAll("\\s+", "");
    if (compact.isEmpty()) {
      throw ApiException.badRequest("the PNG's " + keyword + " chunk is empty");
    }
    // the decoded size is at least this (2: at most two padding characters)
    if (compact.length() / 4L * 3 - 2 > CardLimits.MAX_CARD_BYTES) {
      throw CardLimits.tooLarge(
          "the card in the PNG's "
              + keyword
              + " chunk is over "
              + CardLimits.MAX_CARD_BYTES
              + " bytes");
    }
    try {
      return Base64.getDecoder().decode(compact);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "bad base64 in the PNG's " + keyword + " chunk: " + e.getMessage());
    }
  }

  /**
   * The PNG with these cards in it: its {@code chara} and {@code ccv3} tEXt chunks (if any) left
   * out, and a {@code chara} chunk (the V2 card) and a {@code ccv3} chunk (the V3 card), each the
   * base64 of the card's UTF-8 JSON, put before IEND. The PNG was checked when it was stored.
   */
  public static byte[] withCards(byte[] png, JsonObject v2, JsonObject v3) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 4096);
    out.write(png, 0, SIGNATURE.length);
    int pos = SIGNATURE.length;
    while (pos < png.length) {
      int dataEnd = checkedChunk(png, pos);
      String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
      if ("IEND".equals(type)) {
        textChunk(out, "chara", v2);
        textChunk(out, "ccv3", v3);
      }
      TextChunk text = "tEXt".equals(type) ? textChunk(png, pos + 8, dataEnd) : null;
      boolean card =
          text != null
              && ("chara".equalsIgnoreCase(text.keyword())
                  || "ccv3".equalsIgnoreCase(text.keyword()));
      if (!card) {
        out.write(png, pos, dataEnd + 4 - pos);
      }
      pos = dataEnd + 4;
      if ("IEND".equals(type)) {
        break;
      }
    }
    return out.toByteArray();
  }

  private static void textChunk(ByteArrayOutputStream out, String keyword, JsonObject card) {
    byte[] text = Base64.getEncoder().encode(card.encode().getBytes(StandardCharsets.UTF_8));
    byte[] data = new byte[keyword.length() + 1 + text.length];
    System.arraycopy(keyword.getBytes(StandardCharsets.ISO_8859_1), 0, data, 0, keyword.length());
    System.arraycopy(text, 0, data, keyword.length() + 1, text.length);
    byte[] type = "tEXt".getBytes(StandardCharsets.ISO_8859_1);
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(data);
    writeInt(out, data.length);
    out.write(type, 0, 4);
    out.write(data, 0, data.length);
    writeInt(out, (int) crc.getValue());
  }

  private static void writeInt(ByteArrayOutputStream out, int value) {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }

  private static int readInt(byte[] bytes, int at) {
    return ((bytes[at] & 0xff) << 24)
        | ((bytes[at + 1] & 0xff) << 16)
        | ((bytes[at + 2] & 0xff) << 8)
        | (bytes[at + 3] & 0xff);
  }

  private static String printable(String type) {
    return type.matches("[A-Za-z]{4}") ? type : "(unreadable type)";
  }
}
