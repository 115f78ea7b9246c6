package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CharactersOnPostgresTest extends CharacterCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
