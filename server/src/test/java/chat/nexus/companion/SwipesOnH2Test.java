package chat.nexus.companion;

import chat.nexus.testing.Backend;

class SwipesOnH2Test extends SwipeCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
