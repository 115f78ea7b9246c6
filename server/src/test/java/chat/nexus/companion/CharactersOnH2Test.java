package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CharactersOnH2Test extends CharacterCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
