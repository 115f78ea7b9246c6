package chat.nexus.usage;

import chat.nexus.testing.Backend;

class UsageOnH2Test extends UsageCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
