package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CompanionOnH2Test extends CompanionCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
