package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CharacterOwnershipOnH2Test extends CharacterOwnershipCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
