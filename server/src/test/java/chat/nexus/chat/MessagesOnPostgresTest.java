package chat.nexus.chat;

import chat.nexus.testing.Backend;

class MessagesOnPostgresTest extends MessageCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
