package chat.nexus.conversations;

import chat.nexus.testing.Backend;

class ConversationsOnH2Test extends ConversationCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
