package chat.nexus.engineio;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Engine.IO v4 packet and payload codec, usable without sockets. */
public final class EngineCodec {

  /** Separates packets in an HTTP long-polling payload. */
  public static final char RECORD_SEPARATOR = '\u001e';

  private EngineCodec() {}

  /**
   * One decoded inbound packet: a type ('0'..'6') and its text data, or a binary message (type '4'
   * with binary set).
   */
  public record InPacket(char type, String data, Buffer binary) {
    public boolean isBinary() {
      return binary != null;
    }
  }

  /** Decodes one text packet as sent over a websocket text frame. */
  public static InPacket decodeText(String text) throws EngineParseException {
    if (text == null || text.isEmpty()) {
      throw new EngineParseException("empty packet");
    }
    char type = text.charAt(0);
    if (type < OutFrame.OPEN || type > OutFrame.NOOP) {
      throw new EngineParseException("unknown packet type '" + type + "'");
    }
    return new InPacket(type, text.substring(1), null);
  }

  /** Decodes an HTTP long-polling payload: packets joined with the record separator. */
  public static List<InPacket> decodePayload(String payload) throws EngineParseException {
    List<InPacket> packets = new ArrayList<>();
    int start = 0;
    int length = payload.length();
    if (length == 0) {
      throw new EngineParseException("empty payload");
    }
    while (start <= length) {
      int end = payload.indexOf(RECORD_SEPARATOR, start);
      if (end < 0) {
        end = length;
      }
      packets.add(decodePollingPacket(payload.substring(start, end)));
      start = end + 1;
    }
    return packets;
  }

  private static InPacket decodePollingPacket(String packet) throws EngineParseException {
    if (!packet.isEmpty() && packet.charAt(0) == 'b') {
      try {
        // MIME decoding: clients may wrap base64 at 76 characters (the Java client does), as the
        // reference server accepts.
        return new InPacket(
            OutFrame.MESSAGE,
            null,
            Buffer.buffer(Base64.getMimeDecoder().decode(packet.substring(1))));
      } catch (IllegalArgumentException e) {
        throw new EngineParseException("invalid base64 in binary packet");
      }
    }
    return decodeText(packet);
  }

  /** Encodes packets as an HTTP long-polling payload. */
  public static String encodePayload(List<OutFrame> frames) {
    if (frames.size() == 1) {
      return frames.get(0).pollingForm();
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < frames.size(); i++) {
      if (i > 0) {
        sb.append(RECORD_SEPARATOR);
      }
      sb.append(frames.get(i).pollingForm());
    }
    return sb.toString();
  }
}
