package chat.nexus.companion;

import chat.nexus.testing.Backend;

class MemoryOnH2Test extends MemoryCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
