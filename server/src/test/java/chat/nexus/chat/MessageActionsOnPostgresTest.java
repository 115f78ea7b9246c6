package chat.nexus.chat;

import chat.nexus.testing.Backend;

class MessageActionsOnPostgresTest extends MessageActionCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
