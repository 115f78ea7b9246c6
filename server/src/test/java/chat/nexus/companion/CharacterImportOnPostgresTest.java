package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CharacterImportOnPostgresTest extends CharacterImportCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
