package chat.nexus.roomcompanions;

import chat.nexus.testing.Backend;

class RoomCompanionsOnH2Test extends RoomCompanionCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
