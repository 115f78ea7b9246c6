package chat.nexus.auth;

import chat.nexus.testing.Backend;

class AuthOnPostgresTest extends AuthCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
