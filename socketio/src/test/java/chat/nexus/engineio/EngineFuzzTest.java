package chat.nexus.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input into EngineCodec.decodeText and decodePayload: each input is decoded or
 * refused with an EngineParseException, nothing else escapes. Decoded payloads are checked against
 * a re-encoding. The seed is printed; rerun one with -Dfuzz.seed=N.
 */
class EngineFuzzTest {

  private static final int RUNS = 10_000;
  private static final String RS = String.valueOf(EngineCodec.RECORD_SEPARATOR);
  private static final String[] SEEDS = {
    "4hello",
    "2",
    "3",
    "2probe",
    "5",
    "6",
    "1",
    "4hello" + RS + "2" + RS + "bAQID",
    "bAQID" + RS + "b",
    "b/w==",
    "451-[\"a\",{\"_placeholder\":true,\"num\":0}]" + RS + "bAAECAw==",
    "40/admin,{\"token\":\"x\"}" + RS + "42[\"e\"]",
  };

  private final List<String> failures = new ArrayList<>();

  private static long seed() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("EngineFuzzTest seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    return seed;
  }

  @Test
  void randomBytes() {
    long seed = seed();
    Random random = new Random(seed);
    for (int run = 0; run < RUNS; run++) {
      byte[] bytes = new byte[random.nextInt(run % 100 == 0 ? 2_000 : 64)];
      random.nextBytes(bytes);
      // sprinkle record separators and 'b's, which random bytes rarely contain
      for (int i = 0; i < bytes.length; i++) {
        if (random.nextInt(16) == 0) {
          bytes[i] = random.nextBoolean() ? (byte) 0x1e : (byte) 'b';
        }
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      check(text);
    }
    assertNoFailures(seed);
  }

  @Test
  void mutatedPayloads() {
    long seed = seed();
    Random random = new Random(seed);
    for (int run = 0; run < RUNS; run++) {
      StringBuilder text = new StringBuilder(SEEDS[random.nextInt(SEEDS.length)]);
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int pos = random.nextInt(text.length() + 1);
        char c =
            switch (random.nextInt(4)) {
              case 0 -> EngineCodec.RECORD_SEPARATOR;
              case 1 -> "b0123456=+/A".charAt(random.nextInt(12));
              case 2 -> (char) random.nextInt(128);
              default -> (char) random.nextInt(0x10000);
            };
        switch (random.nextInt(3)) {
          case 0 -> {
            if (pos < text.length()) {
              text.setCharAt(pos, c);
            }
          }
          case 1 -> text.insert(pos, c);
          default -> {
            if (pos < text.length()) {
              text.deleteCharAt(pos);
            }
          }
        }
      }
      check(text.toString());
    }
    assertNoFailures(seed);
  }

  private void check(String text) {
    try {
      EngineCodec.decodeText(text);
    } catch (EngineParseException expected) {
      // refused
    } catch (Throwable t) {
      failures.add("decodeText " + escape(text) + " -> " + t);
    }
    try {
      List<EngineCodec.InPacket> packets = EngineCodec.decodePayload(text);
      checkRoundTrip(text, packets);
    } catch (EngineParseException expected) {
      // refused
    } catch (Throwable t) {
      failures.add("decodePayload " + escape(text) + " -> " + t);
    }
  }

  /**
   * A decoded payload holds no empty packet, and its packets re-encode to a payload that decodes
   * alike.
   */
  private void checkRoundTrip(String text, List<EngineCodec.InPacket> packets)
      throws EngineParseException {
    assertThat(packets).isNotEmpty();
    List<OutFrame> frames = new ArrayList<>();
    for (EngineCodec.InPacket packet : packets) {
      if (packet.isBinary()) {
        frames.add(OutFrame.binary(packet.binary().getBytes()));
      } else {
        assertThat(packet.data()).as(escape(text)).doesNotContain(RS);
        frames.add(OutFrame.control(packet.type(), packet.data()));
      }
    }
    List<EngineCodec.InPacket> again = EngineCodec.decodePayload(EngineCodec.encodePayload(frames));
    if (again.size() != packets.size()) {
      failures.add(
          "round trip of "
              + escape(text)
              + " gave "
              + again.size()
              + " packets instead of "
              + packets.size());
    }
  }

  private void assertNoFailures(long seed) {
    assertThat(failures.size())
        .as(
            "seed %d: %d unexpected outcomes, first ones:%n%s",
            seed,
            failures.size(),
            String.join("\n", failures.subList(0, Math.min(20, failures.size()))))
        .isZero();
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < Math.min(s.length(), 200); i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.append(s.length() > 200 ? "...\"" : "\"").toString();
  }
}
