package chat.nexus.chat;

import chat.nexus.testing.Backend;

class MessagesOnH2Test extends MessageCases {
  @Override
  Backend backend() {
    return Backend.H2;
  }
}
