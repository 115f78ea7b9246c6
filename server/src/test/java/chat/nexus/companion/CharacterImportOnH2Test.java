package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CharacterImportOnH2Test extends CharacterImportCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
