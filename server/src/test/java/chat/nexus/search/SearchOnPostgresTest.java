package chat.nexus.search;

import chat.nexus.testing.Backend;

class SearchOnPostgresTest extends SearchCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
