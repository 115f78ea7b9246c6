package chat.nexus.chat;

import chat.nexus.testing.Backend;

class RoomsOnPostgresTest extends RoomCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
