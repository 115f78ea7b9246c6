package chat.nexus.chat;

import chat.nexus.testing.Backend;

class MessageActionsOnH2Test extends MessageActionCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
