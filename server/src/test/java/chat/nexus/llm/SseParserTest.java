package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WHATWG "interpreting an event stream" rules, fed whole, split and byte by byte. */
class SseParserTest {

  private final List<SseParser.Event> events = new ArrayList<>();
  private final SseParser parser = new SseParser(events::add);

  private void feed(String text) {
    parser.feed(text.getBytes(StandardCharsets.UTF_8));
  }

  private List<String> data() {
    return events.stream().map(SseParser.Event::data).toList();
  }

  /** Every event a stream gives, fed in chunks of {@code size} bytes. */
  private static List<SseParser.Event> parse(byte[] stream, int size) {
    List<SseParser.Event> out = new ArrayList<>();
    SseParser p = new SseParser(out::add);
    for (int i = 0; i < stream.length; i += size) {
      p.feed(Arrays.copyOfRange(stream, i, Math.min(stream.length, i + size)));
    }
    return out;
  }

  @Test
  void joinsMultiLineDataWithLfAndDispatchesAtTheBlankLine() {
    feed("data: {\"a\":\ndata:  1}\n");
    assertThat(events).as("not before the blank line").isEmpty();
    feed("\n");
    assertThat(data())
        .containsExactly("{\"a\":\n 1}"); // one space after the colon is dropped, the next kept
  }

  @Test
  void lfCrlfAndBareCrAllEndLines() {
    feed("data: lf\n\ndata: crlf\r\n\r\ndata: cr\r\rdata: mixed\r\ndata: too\n\r");
    assertThat(data()).containsExactly("lf", "crlf", "cr", "mixed\ntoo");
  }

  @Test
  void aCrEndingOneChunkAndAnLfStartingTheNextAreOneLineEnd() {
    feed("data: a\r");
    feed("\ndata: b\r");
    feed("\n\r");
    feed("\n");
    assertThat(data()).as("no empty line between a and b").containsExactly("a\nb");
    feed("data: c\r");
    feed("data: d\n\n");
    assertThat(data()).as("a CR then other text is a line end too").containsExactly("a\nb", "c\nd");
  }

  @Test
  void commentsFieldsWithoutValuesAndUnknownFields() {
    feed(": keep-alive\n:\ndata\n\nfoo: bar\ndata:x\nnocolon\n\n");
    assertThat(data()).containsExactly("", "x"); // "data" alone is an empty data line
  }

  @Test
  void anEventWithoutDataIsNotDispatchedAndResetsTheType() {
    feed("event: ping\n\ndata: after\n\n");
    assertThat(events).containsExactly(new SseParser.Event("message", "after", ""));
  }

  @Test
  void eventTypeIdAndRetryAsTheSpecSays() {
    feed("event: token\nid: 1\nretry: 2500\ndata: one\n\n");
    feed("data: two\n\n");
    feed("id: bad\0id\nretry: 12s\ndata: three\n\nid\ndata: four\n\n");
    assertThat(events)
        .containsExactly(
            new SseParser.Event("token", "one", "1"),
            new SseParser.Event("message", "two", "1"), // the id stays, the type does not
            new SseParser.Event("message", "three", "1"), // an id with NUL is ignored
            new SseParser.Event("message", "four", "")); // an empty id resets it
    assertThat(parser.retryMs()).as("a retry that is not all digits is ignored").isEqualTo(2500);
    assertThat(parser.lastEventId()).isEmpty();
  }

  @Test
  void oneLeadingBomIsSkippedEvenSplitButNotLaterOnes() {
    byte[] stream =
        "\uFEFFdata: first\n\n\uFEFFdata: ignored\n\ndata: last\n\n"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(parse(stream, stream.length))
        .extracting(SseParser.Event::data)
        .containsExactly("first", "last");
    assertThat(parse(stream, 1)).extracting(SseParser.Event::data).containsExactly("first", "last");
  }

  @Test
  void anEventTheStreamEndsInIsNotDispatched() {
    feed("data: done\n\ndata: [DONE]\n");
    assertThat(data()).containsExactly("done");
  }

  @Test
  void everySplitGivesTheSameEventsAsTheWholeStream() {
    String text =
        "\uFEFF: hi\r\nevent: token\r\ndata: h\u00e9llo \u20ac \uD83D\uDE00\r\ndata: second\r\n\r\n"
            + "id: 42\rdata: {\"x\":1}\r\r: note\ndata: [DONE]\n\n";
    byte[] stream = text.getBytes(StandardCharsets.UTF_8);
    List<SseParser.Event> whole = parse(stream, stream.length);
    assertThat(whole)
        .containsExactly(
            new SseParser.Event("token", "h\u00e9llo \u20ac \uD83D\uDE00\nsecond", ""),
            new SseParser.Event("message", "{\"x\":1}", "42"),
            new SseParser.Event("message", "[DONE]", "42"));
    for (int size = 1; size <= 7; size++) {
      assertThat(parse(stream, size)).as("chunks of %d bytes", size).isEqualTo(whole);
    }
  }

  @Test
  void aLineOrEventOverItsBoundIsRefused() {
    byte[] longLine = new byte[SseParser.MAX_LINE_BYTES + 1];
    Arrays.fill(longLine, (byte) 'x');
    assertThatThrownBy(() -> parser.feed(longLine))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line");

    SseParser other = new SseParser(e -> {});
    byte[] line = ("data: " + "y".repeat(64 * 1024) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < SseParser.MAX_EVENT_CHARS / (64 * 1024) + 1; i++) {
                other.feed(line);
              }
            })
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("event");
  }

  /**
   * A line of almost 1 MiB arriving 16 bytes at a time: every byte is looked at once. Rescanning
   * the pending line on every chunk is 65,536 passes over up to 1 MiB (tens of seconds); this takes
   * milliseconds, so the 10 s bound holds on a loaded machine with a wide margin.
   */
  @Test
  void aLongStreamInSmallChunksTakesLinearTime() {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    byte[] payload = new byte[SseParser.MAX_LINE_BYTES - 16];
    Arrays.fill(payload, (byte) 'z');
    stream.writeBytes("data:".getBytes(StandardCharsets.UTF_8));
    stream.writeBytes(payload);
    stream.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 20_000; i++) {
      stream.writeBytes(("data: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = stream.toByteArray();
    List<SseParser.Event> out =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> parse(bytes, 16));
    assertThat(out).hasSize(20_001);
    assertThat(out.get(0).data()).hasSize(payload.length);
    assertThat(out.get(20_000).data()).isEqualTo("{\"n\":19999}");
  }
}
