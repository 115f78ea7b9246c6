package chat.nexus.rooms;

import java.time.Instant;

/** One user's place in one room. */
public record Membership(
    String roomId, String userId, Role role, Instant joinedAt, long lastReadId) {}
