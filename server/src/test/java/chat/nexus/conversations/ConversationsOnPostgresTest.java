package chat.nexus.conversations;

import chat.nexus.testing.Backend;

class ConversationsOnPostgresTest extends ConversationCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
