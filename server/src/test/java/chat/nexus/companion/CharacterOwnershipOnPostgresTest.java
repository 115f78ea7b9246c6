package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CharacterOwnershipOnPostgresTest extends CharacterOwnershipCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
