package chat.nexus.chat;

import chat.nexus.testing.Backend;

class RoomsOnH2Test extends RoomCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
