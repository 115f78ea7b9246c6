package chat.nexus.profiles;

import chat.nexus.testing.Backend;

class ProfilesOnH2Test extends ProfileCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
