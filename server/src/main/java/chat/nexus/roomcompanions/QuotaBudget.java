package chat.nexus.roomcompanions;

import chat.nexus.llm.LlmCall;
import chat.nexus.llm.LlmRequest;
import chat.nexus.usage.LlmUsage;
import io.vertx.core.Future;

/** A room companion's replies paid from the payer's quotas and counted in their usage. */
public final class QuotaBudget implements CompanionBudget {

  private final LlmUsage usage;

  public QuotaBudget(LlmUsage usage) {
    this.usage = usage;
  }

  @Override
  public Future<Void> admit(String payerId) {
    return usage.quotas().check(payerId);
  }

  @Override
  public LlmCall track(String payerId, String characterId, LlmRequest request, LlmCall call) {
    return request == null ? call : usage.usage().track(payerId, characterId, request, call);
  }
}
