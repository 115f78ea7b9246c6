package chat.nexus.companion;

import chat.nexus.testing.Backend;

class SwipesOnPostgresTest extends SwipeCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
