package chat.nexus.rooms;

import chat.nexus.errors.ApiException;
import chat.nexus.socketio.SocketIoServer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Room ids: 1-64 characters of {@code A-Za-z0-9_-:.}; a public room is created on first join.
 * Public room ids are case-insensitive: {@link #validate} gives their canonical (lower-case) form,
 * the id the room is stored, joined and broadcast under; the spelling a room was created with is
 * its display name (rooms.name). Direct rooms are {@code dm:<userA>:<userB>} with the two ids
 * sorted, private to those two users; their length follows the user ids (external ids such as UUIDs
 * make them longer than 64).
 */
public final class RoomIds {

  public static final int MAX_LENGTH = 64;
  public static final String DM_PREFIX = "dm:";

  /**
   * Starts the name of every room the server makes for itself (a character no room id may contain).
   */
  static final String INTERNAL_PREFIX = "@";

  private static final Pattern PUBLIC = Pattern.compile("[A-Za-z0-9_\\-:.]{1," + MAX_LENGTH + "}");
  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_\\-.]{1,128}");

  private RoomIds() {}

  /**
   * Checks the id's form and gives its canonical form: a public room id in lower case, a direct
   * room id as it is (user ids keep their case); throws BAD_REQUEST with what is wrong.
   */
  public static String validate(Object value) {
    if (!(value instanceof String id) || id.isEmpty()) {
      throw ApiException.badRequest("roomId is required (a string)");
    }
    if (isInternal(id)) {
      throw ApiException.forbidden("this room is not open to clients");
    }
    if (isDirect(id)) {
      String[] users = directMembers(id);
      if (users == null) {
        throw ApiException.badRequest(
            "a direct room id is dm:<userA>:<userB> with the two user ids sorted");
      }
      return id;
    }
    if (!PUBLIC.matcher(id).matches()) {
      throw ApiException.badRequest(
          "roomId must be 1-" + MAX_LENGTH + " characters of A-Z, a-z, 0-9, _, -, :, .");
    }
    return id.toLowerCase(Locale.ROOT);
  }

  /** Whether this is a well-formed room id (public or direct), without saying what is wrong. */
  public static boolean isRoomId(String id) {
    return !isInternal(id)
        && (isDirect(id) ? directMembers(id) != null : PUBLIC.matcher(id).matches());
  }

  /**
   * The server's own Socket.IO rooms, never joined, left or addressed by clients whatever the
   * room-id rules allow: a socket's private room (its id, on any node of the cluster) and the
   * per-user inboxes.
   */
  public static boolean isInternal(String id) {
    return id.startsWith(INTERNAL_PREFIX) || SocketIoServer.isSocketId(id);
  }

  public static boolean isDirect(String roomId) {
    return roomId.startsWith(DM_PREFIX);
  }

  /** The two members of a well-formed direct room id, or null. */
  public static String[] directMembers(String roomId) {
    String rest = roomId.substring(DM_PREFIX.length());
    int colon = rest.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String a = rest.substring(0, colon);
    String b = rest.substring(colon + 1);
    if (!USER_ID.matcher(a).matches() || !USER_ID.matcher(b).matches() || a.compareTo(b) >= 0) {
      return null;
    }
    return new String[] {a, b};
  }

  /** The direct room of two users. */
  public static String direct(String userA, String userB) {
    return userA.compareTo(userB) < 0
        ? DM_PREFIX + userA + ":" + userB
        : DM_PREFIX + userB + ":" + userA;
  }

  /**
   * The Socket.IO room every socket of a user is in, so that a direct message reaches the other
   * user before they open the conversation. '@' and '/' cannot appear in a room id, so no client
   * can join it.
   */
  public static String inbox(String userId) {
    return INTERNAL_PREFIX + "user/" + userId;
  }

  /**
   * Whether this user may join and read the room: anyone for public rooms, the two members for DMs.
   */
  public static boolean mayAccess(String roomId, String userId) {
    if (!isDirect(roomId)) {
      return true;
    }
    String[] members = directMembers(roomId);
    return members != null && (members[0].equals(userId) || members[1].equals(userId));
  }
}
