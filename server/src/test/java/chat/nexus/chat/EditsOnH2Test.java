package chat.nexus.chat;

import chat.nexus.testing.Backend;

class EditsOnH2Test extends EditAndDeleteCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
