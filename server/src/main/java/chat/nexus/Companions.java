package chat.nexus;

import chat.nexus.companion.CharacterStore;
import chat.nexus.companion.Characters;
import chat.nexus.companion.CompanionChats;
import chat.nexus.companion.CompanionConversationStore;
import chat.nexus.companion.CompanionEvents;
import chat.nexus.companion.CompanionMemory;
import chat.nexus.companion.CompanionService;
import chat.nexus.companion.CompanionStore;
import chat.nexus.companion.DemoCharacter;
import chat.nexus.companion.PersonaStore;
import chat.nexus.companion.Personas;
import chat.nexus.companion.PromptBuilder;
import chat.nexus.llm.LlmGateway;
import chat.nexus.llm.LlmMetrics;
import chat.nexus.observability.Metrics;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.usage.LlmUsage;
import io.vertx.core.Vertx;
import java.sql.SQLException;

/**
 * Companion chat: the cached characters (seeded with the demo character, their cache dropped on
 * every node when one changes), the LLM gateway, what users spend through it, and the companion
 * conversations over it.
 */
record Companions(
    Characters characters,
    LlmGateway llm,
    LlmUsage usage,
    CompanionService service,
    CompanionEvents events) {

  static Companions start(
      Vertx vertx,
      ServerConfig settings,
      Storage storage,
      Production production,
      Metrics metrics,
      SocketIoServer io)
      throws SQLException {
    CharacterStore store = new CharacterStore(storage.database());
    DemoCharacter.seedIfEmpty(store);
    Characters characters = new Characters(vertx, store, storage.blocking());
    characters.indexSearch();
    production.shareInvalidation(characters);
    LlmGateway llm = LlmGateway.create(vertx, settings.llm(), new LlmMetrics(metrics.registry()));
    LlmUsage usage =
        LlmUsage.start(
            vertx, storage.database(), storage.blocking(), settings.llm(), metrics.registry());

    CompanionStore messages = new CompanionStore(storage.database());
    CompanionConversationStore conversations = new CompanionConversationStore(storage.database());
    Personas personas = new Personas(new PersonaStore(storage.database()), storage.blocking());
    CompanionChats chats =
        new CompanionChats(characters, conversations, messages, personas, storage.blocking(), io);
    int budget = settings.llm().promptTokenBudget();
    CompanionService service =
        new CompanionService(
            vertx,
            chats,
            personas,
            new CompanionMemory(conversations, chats, storage.blocking(), llm, budget, usage),
            messages,
            storage.blocking(),
            llm,
            new PromptBuilder(budget),
            usage);
    return new Companions(
        characters, llm, usage, service, new CompanionEvents(service, production.limits()));
  }
}
