package chat.nexus.roomcompanions;

import chat.nexus.testing.Backend;

class RoomCompanionsOnPostgresTest extends RoomCompanionCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
