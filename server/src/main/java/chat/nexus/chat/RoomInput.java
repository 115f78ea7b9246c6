package chat.nexus.chat;

import chat.nexus.errors.ApiException;
import chat.nexus.rooms.Role;
import chat.nexus.rooms.Room;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The fields of the room and moderation events, checked and bounded; BAD_REQUEST otherwise. */
final class RoomInput {

  /** A room's topic: a line or two. */
  static final int MAX_TOPIC_LENGTH = 300;

  /** Why a message is reported: a sentence or two. */
  static final int MAX_REASON_LENGTH = 500;

  /** The longest mute or timed ban: a year (longer is a permanent ban). */
  static final int MAX_MINUTES = 525_600;

  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_\\-.@]{1,128}");

  private RoomInput() {}

  static String userId(Object value) {
    if (!(value instanceof String id) || !USER_ID.matcher(id).matches()) {
      throw ApiException.badRequest("userId is required (a user id or username, 1-128 characters)");
    }
    return id;
  }

  /** An optional topic (empty clears it), or empty when not given. */
  static Optional<String> topic(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String topic) || topic.length() > MAX_TOPIC_LENGTH) {
      throw ApiException.badRequest(
          "topic must be a string of at most " + MAX_TOPIC_LENGTH + " characters");
    }
    ClientInput.text(topic.isBlank() ? "-" : topic, "topic"); // control characters, surrogates
    return Optional.of(topic.strip());
  }

  /** public or private; {@code fallback} when not given. */
  static Optional<String> visibility(Object value, Optional<String> fallback) {
    if (value == null) {
      return fallback;
    }
    if (Room.PUBLIC.equals(value) || Room.PRIVATE.equals(value)) {
      return Optional.of((String) value);
    }
    throw ApiException.badRequest("visibility must be public or private");
  }

  static Role role(Object value) {
    if (value instanceof String role) {
      for (Role r : Role.values()) {
        if (r.value().equals(role.toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
    }
    throw ApiException.badRequest("role must be owner, moderator or member");
  }

  /** Minutes from 1 to {@link #MAX_MINUTES}; empty when not given and not {@code required}. */
  static Optional<Integer> minutes(Object value, boolean required) {
    if (value == null && !required) {
      return Optional.empty();
    }
    if (value instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() >= 1
        && n.longValue() <= MAX_MINUTES) {
      return Optional.of(n.intValue());
    }
    throw ApiException.badRequest("minutes must be a whole number from 1 to " + MAX_MINUTES);
  }

  static String reason(Object value) {
    if (!(value instanceof String reason) || reason.isBlank()) {
      throw ApiException.badRequest("reason is required (a non-empty string)");
    }
    if (reason.length() > MAX_REASON_LENGTH) {
      throw ApiException.badRequest("reason must be at most " + MAX_REASON_LENGTH + " characters");
    }
    ClientInput.text(reason, "reason");
    return reason.strip();
  }
}
