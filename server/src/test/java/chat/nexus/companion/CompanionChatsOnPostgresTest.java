package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CompanionChatsOnPostgresTest extends CompanionChatCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
