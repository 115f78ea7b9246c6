package chat.nexus.chat;

import chat.nexus.testing.Backend;

class RepliesAndReactionsOnPostgresTest extends ReplyAndReactionCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
