package chat.nexus.chat;

import chat.nexus.testing.Backend;

class EditsOnPostgresTest extends EditAndDeleteCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
