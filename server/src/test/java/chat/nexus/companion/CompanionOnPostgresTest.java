package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CompanionOnPostgresTest extends CompanionCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
