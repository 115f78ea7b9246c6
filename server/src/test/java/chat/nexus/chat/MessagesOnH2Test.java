package chat.nexus.chat;

import chat.nexus.testing.Backend;

class MessagesOnH2Test extends MessageCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
