package chat.nexus.companion;

import chat.nexus.testing.Backend;

class MemoryOnPostgresTest extends MemoryCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
