package chat.nexus.auth;

import chat.nexus.testing.Backend;

class AuthOnH2Test extends AuthCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
