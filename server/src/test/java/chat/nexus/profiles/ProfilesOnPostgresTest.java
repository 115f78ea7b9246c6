package chat.nexus.profiles;

import chat.nexus.testing.Backend;

class ProfilesOnPostgresTest extends ProfileCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
