package chat.nexus.socketio.parser;

import java.util.List;

/**
 * A packet ready for the wire: the text part and the binary attachments that follow it, each its
 * own Engine.IO message.
 */
public record EncodedPacket(String text, List<byte[]> attachments) {
  public EncodedPacket {
    attachments = List.copyOf(attachments);
  }

  public static EncodedPacket text(String text) {
    return new EncodedPacket(text, List.of());
  }
}
