package chat.nexus.loadtest;

/**
 * The fan-out benchmark's events: auth {@code {"room":"r7"}} joins the room, {@code send} is
 * re-emitted as {@code msg} to the whole room, sender included. With no rooms, auth is {@code {}}
 * (idle).
 */
final class BareProtocol implements Protocol {
  private static final String NO_ROOM = Frames.connect("{}");
  private final String[] roomNames;
  private final String[] connectPackets;
  private final String pad;

  BareProtocol(int rooms, int payload) {
    roomNames = new String[rooms];
    connectPackets = new String[rooms];
    for (int r = 0; r < rooms; r++) {
      roomNames[r] = Frames.roomName(r);
      connectPackets[r] = Frames.connect(Frames.roomAuth(r));
    }
    pad = Frames.pad(payload, rooms);
  }

  @Override
  public String connectPacket(int client, int room) {
    return connectPackets.length == 0 ? NO_ROOM : connectPackets[room];
  }

  @Override
  public String joinPacket(int room) {
    return null;
  }

  @Override
  public String sendPacket(int room, long t, long seq, int ackId) {
    return Frames.send(roomNames[room], t, seq, pad);
  }

  @Override
  public boolean acked() {
    return false;
  }

  @Override
  public boolean senderReceives() {
    return true;
  }

  @Override
  public long deliveryT(byte[] b, int n) {
    if (!Frames.isMsg(b, n)) return NOT_A_DELIVERY;
    long t = Frames.findT(b, n, Frames.msgArgs());
    return t < 0 ? NO_TIMESTAMP : t;
  }
}
