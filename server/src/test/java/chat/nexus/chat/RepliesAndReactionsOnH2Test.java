package chat.nexus.chat;

import chat.nexus.testing.Backend;

class RepliesAndReactionsOnH2Test extends ReplyAndReactionCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
