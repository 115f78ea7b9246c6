package chat.nexus;

import chat.nexus.rooms.Members;
import chat.nexus.rooms.Rooms;
import chat.nexus.store.Blocking;
import chat.nexus.store.Database;
import chat.nexus.store.MessagePartitions;
import chat.nexus.store.MessageStore;
import chat.nexus.store.MessageWriter;
import io.vertx.core.Vertx;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * What stores the chat and runs JDBC: the database, its worker pool, and the writer that stores
 * messages in batches, and on PostgreSQL the upkeep of the messages' monthly partitions. Stopped
 * last, once every queued message is stored.
 */
record Storage(
    Database database,
    Blocking blocking,
    MessageStore messages,
    MessageWriter writer,
    Rooms rooms,
    Optional<MessagePartitions> partitions) {

  /** Who belongs to which room (a shortcut into {@link #rooms()}). */
  Members members() {
    return rooms.members();
  }

  static Storage open(Vertx vertx, Database database, ServerConfig settings) {
    Blocking blocking =
        Blocking.forDatabase(
            vertx, database, settings.core().dbPoolSize(), settings.database().queueLimit());
    MessageStore messages = new MessageStore(database);
    MessageWriter writer =
        new MessageWriter(vertx, database, messages, MessageWriter.DEFAULT_QUEUE_CAPACITY);
    Optional<MessagePartitions> partitions =
        database.isPostgres()
            ? Optional.of(
                new MessagePartitions(database, settings.database().messageRetentionDays())
                    .schedule(vertx, blocking))
            : Optional.empty();
    if (partitions.isEmpty() && settings.database().messageRetentionDays() > 0) {
      LoggerFactory.getLogger(Storage.class)
          .warn(
              "MESSAGE_RETENTION_DAYS is set but has no effect on the embedded database: messages"
                  + " are dropped by month on PostgreSQL only");
    }
    return new Storage(
        database, blocking, messages, writer, Rooms.open(database, blocking), partitions);
  }
}
