package chat.nexus.usage;

import chat.nexus.testing.Backend;

class UsageOnPostgresTest extends UsageCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
