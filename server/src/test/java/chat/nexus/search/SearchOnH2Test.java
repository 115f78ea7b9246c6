package chat.nexus.search;

import chat.nexus.testing.Backend;

class SearchOnH2Test extends SearchCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
