package chat.nexus.rooms;

import java.time.Instant;

/**
 * One user's place in one room. {@code mutedUntil} is {@link #NOT_MUTED} unless a moderator muted
 * the member (who may read, not send, before then).
 */
public record Membership(
    String roomId,
    String userId,
    Role role,
    Instant joinedAt,
    long lastReadId,
    Instant mutedUntil) {

  public static final Instant NOT_MUTED = Instant.EPOCH;

  public Membership(String roomId, String userId, Role role, Instant joinedAt, long lastReadId) {
    this(roomId, userId, role, joinedAt, lastReadId, NOT_MUTED);
  }

  public boolean mutedAt(Instant now) {
    return mutedUntil.isAfter(now);
  }
}
