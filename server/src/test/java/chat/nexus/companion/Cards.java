package chat.nexus.companion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Test cards (every V2 and V3 field, plus unknown extensions) and PNGs carrying them. */
final class Cards {

  private Cards() {}

  static JsonObject v2(String name) {
    JsonObject book =
        new JsonObject()
            .put("name", "Lore of " + name)
            .put("scan_depth", 4)
            .put("token_budget", 500)
            .put("recursive_scanning", false)
            .put("extensions", new JsonObject().put("tool_x", new JsonObject().put("keep", true)))
            .put(
                "entries",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("keys", new JsonArray().add("Dragon"))
                            .put("content", "Dragons sleep under the mountain.")
                            .put("extensions", new JsonObject())
                            .put("enabled", true)
                            .put("insertion_order", 10)
                            .put("id", 1)));
    JsonObject data =
        new JsonObject()
            .put("name", name)
            .put(
                "description", "{{char}} is a lighthouse keeper who talks to {{user}} about ships.")
            .put("personality", "calm, dry humour")
            .put("scenario", "A stormy night at the lighthouse.")
            .put("first_mes", "Ahoy, {{user}}. Mind the stairs.")
            .put("mes_example", "<START>\n{{user}}: Hello\n{{char}}: Evening.")
            .put("creator_notes", "SECRET-CREATOR-NOTE: best with long replies")
            .put("system_prompt", "")
            .put("post_history_instructions", "Reply in two sentences at most.")
            .put("alternate_greetings", new JsonArray().add("Another night, another storm."))
            .put("character_book", book)
            .put("tags", new JsonArray().add("sea").add("calm"))
            .put("creator", "tester")
            .put("character_version", "1.2")
            .put(
                "extensions",
                new JsonObject()
                    .put("talkativeness", "0.5")
                    .put("depth_prompt", new JsonObject().put("prompt", "x").put("depth", 4))
                    .put(
                        "unknown_tool",
                        new JsonObject()
                            .put(
                                "nested",
                                new JsonArray().add(1).add(2.5).add("three").add(true).addNull())));
    return new JsonObject()
        .put("spec", "chara_card_v2")
        .put("spec_version", "2.0")
        .put("data", data);
  }

  static JsonObject v3(String name) {
    JsonObject card = v2(name);
    card.put("spec", "chara_card_v3").put("spec_version", "3.0");
    card.getJsonObject("data")
        .put("nickname", "Kee")
        .put(
            "assets",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("type", "icon")
                        .put("uri", "ccdefault:")
                        .put("name", "main")
                        .put("ext", "png")))
        .put("creator_notes_multilingual", new JsonObject().put("fr", "notes en français"))
        .put("source", new JsonArray().add("https://example.com/card"))
        .put("group_only_greetings", new JsonArray().add("Hello, all of you."))
        .put("creation_date", 1700000000L)
        .put("modification_date", 1700000100L)
        .put("future_field", "kept as given");
    return card;
  }

  /**
   * A small real image (javax.imageio) with a tEXt chunk per keyword/text pair inserted after IHDR.
   */
  static byte[] png(String... keywordsAndTexts) {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    img.setRGB(1, 1, 0xff8800);
    return withText(encode(img), keywordsAndTexts);
  }

  /**
   * A real picture of that size (a gradient, javax.imageio) carrying a tEXt chunk per keyword/text
   * pair.
   */
  static byte[] picture(int width, int height, String... keywordsAndTexts) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 0x40);
      }
    }
    return withText(encode(img), keywordsAndTexts);
  }

  /**
   * An image bomb: a valid PNG declaring width x height pixels (1-bit grey, all black) whose pixel
   * data deflates to almost nothing, carrying the given text chunks.
   */
  static byte[] bomb(int width, int height, String... keywordsAndTexts) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(
        java.util.Arrays.copyOf(
            new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 8));
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
    ihdr.put((byte) 1)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0); // depth 1, grey, deflate, no filter, no interlace
    png.writeBytes(chunk("IHDR", ihdr.array()));
    writeTextChunks(png, keywordsAndTexts);
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    java.util.zip.Deflater deflater =
        new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION);
    byte[] row = new byte[1 + (width + 7) / 8];
    byte[] out = new byte[64 * 1024];
    for (int y = 0; y < height; y++) {
      deflater.setInput(row);
      while (!deflater.needsInput()) {
        idat.write(out, 0, deflater.deflate(out));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      idat.write(out, 0, deflater.deflate(out));
    }
    png.writeBytes(chunk("IDAT", idat.toByteArray()));
    png.writeBytes(chunk("IEND", new byte[0]));
    return png.toByteArray();
  }

  private static byte[] encode(BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] withText(byte[] image, String... keywordsAndTexts) {
    int afterIhdr = 8 + 4 + 4 + 13 + 4;
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.write(image, 0, afterIhdr);
    writeTextChunks(png, keywordsAndTexts);
    png.write(image, afterIhdr, image.length - afterIhdr);
    return png.toByteArray();
  }

  private static void writeTextChunks(ByteArrayOutputStream png, String... keywordsAndTexts) {
    for (int i = 0; i < keywordsAndTexts.length; i += 2) {
      png.writeBytes(
          chunk(
              "tEXt",
              (keywordsAndTexts[i] + "\0" + keywordsAndTexts[i + 1])
                  .getBytes(StandardCharsets.ISO_8859_1)));
    }
  }

  static byte[] chunk(String type, byte[] data) {
    ByteBuffer buffer = ByteBuffer.allocate(12 + data.length);
    buffer.putInt(data.length);
    buffer.put(type.getBytes(StandardCharsets.ISO_8859_1));
    buffer.put(data);
    CRC32 crc = new CRC32();
    crc.update(buffer.array(), 4, 4 + data.length);
    buffer.putInt((int) crc.getValue());
    return buffer.array();
  }

  static String base64(JsonObject card) {
    return Base64.getEncoder().encodeToString(card.encode().getBytes(StandardCharsets.UTF_8));
  }
}
