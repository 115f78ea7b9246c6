package chat.nexus.socketio.adapter;

import chat.nexus.engineio.OutFrame;
import chat.nexus.socketio.parser.EncodedPacket;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * A packet as the Engine.IO messages that carry it: its text, then one binary message per
 * attachment. A broadcast makes these once and hands the same frames to every recipient.
 */
public final class PacketFrames {

  private PacketFrames() {}

  public static List<OutFrame> of(Packet packet) {
    EncodedPacket encoded = PacketEncoder.encode(packet);
    if (encoded.attachments().isEmpty()) {
      return List.of(OutFrame.message(encoded.text()));
    }
    List<OutFrame> frames = new ArrayList<>(1 + encoded.attachments().size());
    frames.add(OutFrame.message(encoded.text()));
    for (byte[] attachment : encoded.attachments()) {
      frames.add(OutFrame.binary(attachment));
    }
    return frames;
  }
}
