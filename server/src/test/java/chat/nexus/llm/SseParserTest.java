package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private final List<String> data = new ArrayList<>();
  private final SseParser parser = new SseParser(data::add);

  private void feed(String text) {
    parser.feed(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsDataLinesWithLfOrCrlfAndIgnoresCommentsAndOtherFields() {
    feed(": keep-alive\n\nevent: x\ndata: {\"a\":1}\n\ndata:{\"b\":2}\r\n\r\nid: 7\ndata: [DONE]\n\n");
    assertThat(data).containsExactly("{\"a\":1}", "{\"b\":2}", "[DONE]");
  }

  @Test
  void joinsLinesSplitAcrossChunksEvenInsideAUtf8Character() {
    byte[] all = "data: héllo €\r\n\r\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    for (byte b : all) {
      parser.feed(new byte[] {b});
    }
    assertThat(data).containsExactly("héllo €", "[DONE]");
  }

  @Test
  void keepsAnUnfinishedLineUntilItsEnd() {
    feed("data: par");
    assertThat(data).isEmpty();
    feed("tial\n");
    assertThat(data).containsExactly("partial");
  }
}
