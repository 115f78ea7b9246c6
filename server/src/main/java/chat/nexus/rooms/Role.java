package chat.nexus.rooms;

import java.util.Locale;

/** A member's role in a room, strongest first. */
public enum Role {
  OWNER,
  MODERATOR,
  MEMBER;

  /** The stored and JSON form: owner, moderator, member. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Owners and moderators may remove others' messages and people. */
  public boolean moderates() {
    return this != MEMBER;
  }
}
