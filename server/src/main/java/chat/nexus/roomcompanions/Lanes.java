package chat.nexus.roomcompanions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fair turns of this node's companions: per companion in a room, one mention answered at a time and
 * at most {@link #MAX_WAITING} waiting, in the order they came, one per person. A lane exists while
 * it has a mention; every change happens in the map's compute, so a lane never ends while a mention
 * joins it.
 */
final class Lanes {

  /** Mentions waiting behind the one answered, per companion in a room. */
  static final int MAX_WAITING = 5;

  /** Companions answering or with mentions waiting, on this node. */
  static final int MAX_LANES = 10_000;

  /** Someone mentioned a companion (the stored message). */
  record Mention(
      String roomId,
      String characterId,
      long messageId,
      String userId,
      String userName,
      String text) {

    String lane() {
      return roomId + '\n' + characterId;
    }

    JsonObject asker() {
      return new JsonObject()
          .put("userId", userId)
          .put("name", userName)
          .put("messageId", messageId);
    }
  }

  /** What became of an offered mention. */
  enum Offer {
    /** Nobody was being answered: answer it now. */
    START,
    QUEUED,
    /** The person already has a mention answered or waiting for this companion. */
    ALREADY_QUEUED,
    QUEUE_FULL,
    /** Too many companions busy on this node. */
    BUSY
  }

  private static final class Lane {
    Mention answering;
    final ArrayDeque<Mention> waiting = new ArrayDeque<>(MAX_WAITING);

    boolean has(String userId) {
      if (answering.userId().equals(userId)) {
        return true;
      }
      for (Mention m : waiting) {
        if (m.userId().equals(userId)) {
          return true;
        }
      }
      return false;
    }

    JsonObject state(String roomId, String characterId) {
      JsonArray queue = new JsonArray();
      waiting.forEach(m -> queue.add(m.asker()));
      return new JsonObject()
          .put("roomId", roomId)
          .put("characterId", characterId)
          .put("answering", answering == null ? null : answering.asker())
          .put("queue", queue);
    }
  }

  /** An offer's outcome and the lane's state after it (null when nothing changed). */
  record Offered(Offer offer, JsonObject state) {}

  /** The next mention to answer (null: none) and the lane's state after the turn. */
  record Next(Mention mention, JsonObject state) {}

  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  Offered offer(Mention mention) {
    Offered[] out = new Offered[1];
    lanes.compute(
        mention.lane(),
        (key, lane) -> {
          if (lane == null) {
            if (lanes.size() >= MAX_LANES) {
              out[0] = new Offered(Offer.BUSY, null);
              return null;
            }
            lane = new Lane();
            lane.answering = mention;
            out[0] = new Offered(Offer.START, lane.state(mention.roomId(), mention.characterId()));
            return lane;
          }
          if (lane.has(mention.userId())) {
            out[0] = new Offered(Offer.ALREADY_QUEUED, null);
          } else if (lane.waiting.size() >= MAX_WAITING) {
            out[0] = new Offered(Offer.QUEUE_FULL, null);
          } else {
            lane.waiting.add(mention);
            out[0] = new Offered(Offer.QUEUED, lane.state(mention.roomId(), mention.characterId()));
          }
          return lane;
        });
    return out[0];
  }

  /** The answered mention's turn is over: the next one's begins. */
  Next finished(Mention done) {
    Next[] out = {new Next(null, null)};
    lanes.computeIfPresent(
        done.lane(),
        (key, lane) -> {
          lane.answering = lane.waiting.poll();
          out[0] = new Next(lane.answering, lane.state(done.roomId(), done.characterId()));
          return lane.answering == null ? null : lane;
        });
    return out[0];
  }

  int size() {
    return lanes.size();
  }
}
