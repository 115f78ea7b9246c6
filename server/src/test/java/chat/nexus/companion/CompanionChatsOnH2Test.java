package chat.nexus.companion;

import chat.nexus.testing.Backend;

class CompanionChatsOnH2Test extends CompanionChatCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
