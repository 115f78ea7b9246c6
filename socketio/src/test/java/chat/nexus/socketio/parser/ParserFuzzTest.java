package chat.nexus.socketio.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input into PacketDecoder: each input is either decoded or refused with a
 * ParseException; no other exception (or error) may escape. A decoded packet must also re-encode to
 * text that decodes to the same text again. The seed is printed; rerun one with -Dfuzz.seed=N.
 */
class ParserFuzzTest {

  private static final int RUNS = 10_000;

  /**
   * Characters that matter to the grammar, to get past the first checks more often than pure noise.
   */
  private static final String[] TOKENS = {
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "9",
    "-",
    "/",
    ",",
    "[",
    "]",
    "{",
    "}",
    "\"",
    ":",
    "null",
    "true",
    "\"_placeholder\"",
    "\"num\"",
    "\"a\"",
    "\"connect\"",
    "/admin",
    "12",
    "-1",
    "1e400",
    "0.5",
    " ",
    "\\",
    "\\u0000",
    "\u00e9",
    "\uD83D\uDE00",
    "\uD83D",
    "\u001e",
    "{\"_placeholder\":true,\"num\":0}",
    "{\"_placeholder\":true,\"num\":1}",
  };

  private static final String[] SEEDS = {
    "0",
    "0/admin,",
    "0{\"token\":\"abc\"}",
    "0/admin,{\"token\":\"abc\"}",
    "1",
    "1/admin,",
    "2[\"chat\",1,{\"x\":true}]",
    "2/chat,42[\"chat\",\"hi\"]",
    "213[\"a\",[1,2,{\"b\":null}]]",
    "2[7]",
    "37[\"ok\",null]",
    "3/x,0[]",
    "4{\"message\":\"no\",\"data\":{\"reason\":\"bad\"}}",
    "4\"plain\"",
    "51-[\"file\",{\"_placeholder\":true,\"num\":0}]",
    "52-/files,9[\"up\",{\"a\":{\"_placeholder\":true,\"num\":0}},[{\"_placeholder\":true,\"num\":1}]]",
    "61-3[{\"img\":{\"_placeholder\":true,\"num\":0}}]",
    "50-[\"a\"]",
  };

  private static long seed() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("ParserFuzzTest seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    return seed;
  }

  private final List<String> failures = new ArrayList<>();
  private int decoded;

  @Test
  void randomBytesAsText() {
    long seed = seed();
    Random random = new Random(seed);
    for (int run = 0; run < RUNS; run++) {
      byte[] bytes = new byte[random.nextInt(run % 100 == 0 ? 2_000 : 64)];
      random.nextBytes(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      decodeWithRandomAttachments(new PacketDecoder(), text, random);
    }
    assertNoFailures(seed);
  }

  @Test
  void randomTokensAsText() {
    long seed = seed();
    Random random = new Random(seed);
    for (int run = 0; run < RUNS; run++) {
      StringBuilder text = new StringBuilder();
      int tokens = random.nextInt(24);
      for (int i = 0; i < tokens; i++) {
        text.append(TOKENS[random.nextInt(TOKENS.length)]);
      }
      decodeWithRandomAttachments(new PacketDecoder(random.nextInt(4)), text.toString(), random);
    }
    assertNoFailures(seed);
  }

  @Test
  void randomBytesAsBinary() {
    long seed = seed();
    Random random = new Random(seed);
    for (int run = 0; run < RUNS; run++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      PacketDecoder decoder = new PacketDecoder();
      try {
        if (random.nextBoolean()) {
          // a pending binary packet with 1..3 attachments, then random binaries
          int count = 1 + random.nextInt(3);
          StringBuilder text = new StringBuilder("5" + count + "-[\"e\"");
          for (int i = 0; i < count; i++) {
            text.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
          }
          decoder.decodeText(text.append(']').toString());
        }
      } catch (Throwable t) {
        failures.add("setup: " + t);
      }
      for (int i = 0; i < 4; i++) {
        feedBinary(
            decoder,
            Buffer.buffer(bytes),
            "binary " + escape(new String(bytes, StandardCharsets.ISO_8859_1)));
      }
    }
    assertNoFailures(seed);
  }

  @Test
  void mutatedValidPackets() {
    long seed = seed();
    Random random = new Random(seed);
    for (int run = 0; run < RUNS; run++) {
      String text = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
      decodeWithRandomAttachments(new PacketDecoder(), text, random);
    }
    assertNoFailures(seed);
  }

  @Test
  void randomSequenceOnOneDecoder() {
    long seed = seed();
    Random random = new Random(seed);
    PacketDecoder decoder = new PacketDecoder();
    for (int run = 0; run < RUNS; run++) {
      if (random.nextInt(3) == 0) {
        byte[] bytes = new byte[random.nextInt(8)];
        random.nextBytes(bytes);
        feedBinary(decoder, Buffer.buffer(bytes), "binary in sequence");
      } else {
        String text =
            random.nextBoolean()
                ? mutate(SEEDS[random.nextInt(SEEDS.length)], random)
                : SEEDS[random.nextInt(SEEDS.length)];
        try {
          Packet packet = decoder.decodeText(text);
          if (packet != null) {
            checkReencodes(packet, text);
          }
        } catch (ParseException expected) {
          // a real connection would be closed here; keep using the decoder as it is
        } catch (Throwable t) {
          failures.add(escape(text) + " -> " + t);
        }
      }
    }
    assertNoFailures(seed);
  }

  static String mutate(String seed, Random random) {
    StringBuilder text = new StringBuilder(seed);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int pos = text.length() == 0 ? 0 : random.nextInt(text.length() + 1);
      switch (random.nextInt(5)) {
        case 0 -> { // flip: replace one char with a random one
          if (pos < text.length()) {
            text.setCharAt(pos, randomChar(random));
          }
        }
        case 1 -> text.insert(pos, randomChar(random));
        case 2 -> text.insert(pos, TOKENS[random.nextInt(TOKENS.length)]);
        case 3 -> { // delete a short run
          if (pos < text.length()) {
            text.delete(pos, Math.min(text.length(), pos + 1 + random.nextInt(3)));
          }
        }
        default -> { // flip a bit
          if (pos < text.length()) {
            text.setCharAt(pos, (char) (text.charAt(pos) ^ (1 << random.nextInt(7))));
          }
        }
      }
    }
    return text.toString();
  }

  private static char randomChar(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> (char) ('0' + random.nextInt(10));
      case 1 -> "-/,[]{}\":".charAt(random.nextInt(9));
      case 2 -> (char) random.nextInt(128);
      default -> (char) random.nextInt(0x10000);
    };
  }

  private void decodeWithRandomAttachments(PacketDecoder decoder, String text, Random random) {
    Packet packet;
    try {
      packet = decoder.decodeText(text);
    } catch (ParseException expected) {
      return;
    } catch (Throwable t) {
      failures.add(escape(text) + " -> " + t);
      return;
    }
    if (packet != null) {
      checkReencodes(packet, text);
      return;
    }
    int attachments = random.nextInt(5);
    for (int i = 0; i < attachments && decoder.isWaitingForAttachments(); i++) {
      byte[] bytes = new byte[random.nextInt(6)];
      random.nextBytes(bytes);
      feedBinary(decoder, Buffer.buffer(bytes), escape(text) + " + attachment " + i);
    }
  }

  private void feedBinary(PacketDecoder decoder, Buffer binary, String what) {
    try {
      Packet packet = decoder.decodeBinary(binary);
      if (packet != null) {
        checkReencodes(packet, what);
      }
    } catch (ParseException expected) {
      decoder.reset(); // as the server does when it closes the connection
    } catch (Throwable t) {
      failures.add(what + " -> " + t);
    }
  }

  /** encode(decode(x)) must decode again, to a packet that encodes to the same text. */
  private void checkReencodes(Packet packet, String input) {
    decoded++;
    try {
      EncodedPacket first = PacketEncoder.encode(packet);
      Packet again = decodeAll(first);
      EncodedPacket second = PacketEncoder.encode(again);
      if (!first.text().equals(second.text())
          || first.attachments().size() != second.attachments().size()) {
        failures.add(
            escape(input)
                + " re-encodes unstably: "
                + escape(first.text())
                + " then "
                + escape(second.text()));
      }
    } catch (Throwable t) {
      failures.add(
          escape(input) + " decoded to " + packet + " which does not re-encode/decode: " + t);
    }
  }

  private static Packet decodeAll(EncodedPacket encoded) throws ParseException {
    PacketDecoder decoder = new PacketDecoder(Integer.MAX_VALUE);
    Packet packet = decoder.decodeText(encoded.text());
    for (byte[] attachment : encoded.attachments()) {
      assertThat(packet).isNull();
      packet = decoder.decodeBinary(Buffer.buffer(attachment));
    }
    if (packet == null) {
      throw new AssertionError(
          "incomplete after " + encoded.attachments().size() + " attachments: " + encoded.text());
    }
    return packet;
  }

  private void assertNoFailures(long seed) {
    System.out.println("  decoded packets: " + decoded);
    assertThat(failures.size())
        .as(
            "seed %d: %d unexpected outcomes, first ones:%n%s",
            seed,
            failures.size(),
            String.join("\n", failures.subList(0, Math.min(20, failures.size()))))
        .isZero();
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder();
    int limit = Math.min(s.length(), 300);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (s.length() > limit) {
      out.append("...(").append(s.length()).append(" chars)");
    }
    return '"' + out.toString() + '"';
  }
}
