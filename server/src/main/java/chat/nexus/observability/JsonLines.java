package chat.nexus.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line, for log shippers: {@code timestamp} (epoch milliseconds), {@code
 * level}, {@code threadName}, {@code loggerName}, {@code message}, {@code mdc} (request and user
 * id), the event's key-value pairs as fields of their own (a list or a map stays JSON, so that a
 * configuration or a list of problems is readable by machine), and a failure as {@code error}:
 * {@code class}, {@code message} and the whole {@code stack} as one string, never as lines of its
 * own.
 */
public final class JsonLines extends EncoderBase<ILoggingEvent> {

  private static final byte[] NOTHING = new byte[0];
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", event.getTimeStamp());
    line.put("level", event.getLevel().toString());
    line.put("threadName", event.getThreadName());
    line.put("loggerName", event.getLoggerName());
    line.put("message", event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null && !mdc.isEmpty()) {
      line.put("mdc", mdc);
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        line.putIfAbsent(pair.key, pair.value);
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("class", thrown.getClassName());
      error.put("message", thrown.getMessage());
      error.put("stack", ThrowableProxyUtil.asString(thrown));
      line.put("error", error);
    }
    return bytes(line);
  }

  private static byte[] bytes(Map<String, Object> line) {
    String text;
    try {
      text = JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      // a value Jackson cannot write: the line without its extra fields rather than no line
      line.replaceAll((k, v) -> v instanceof Map || v instanceof Number ? v : String.valueOf(v));
      try {
        text = JSON.writeValueAsString(line);
      } catch (JsonProcessingException again) {
        text = "{\"message\":\"unwritable log event\"}";
      }
    }
    return (text + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }
}
