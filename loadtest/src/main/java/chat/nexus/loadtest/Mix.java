package chat.nexus.loadtest;

/**
 * What each client of a ladder does: a share {@code aiShare} (0..1) of the clients talk to a
 * companion, the others chat in rooms of {@code roomSize} (client g, counted among chat clients as
 * c, is in room c / roomSize, so every stage fills rooms one after the other). Each chat client
 * sends {@code chatPerUser} messages per second on average, each companion client {@code
 * aiPerUser}.
 */
record Mix(double aiShare, int roomSize, double chatPerUser, double aiPerUser, String characterId) {

  /**
   * Whether client {@code g} talks to a companion: spreads the share evenly over any prefix of
   * clients.
   */
  boolean companion(int g) {
    return Math.floor((g + 1) * aiShare) > Math.floor(g * aiShare);
  }

  /** Chat clients among clients 0..g-1. */
  int chatBefore(int g) {
    return g - (int) Math.floor(g * aiShare);
  }

  /** The room of chat client {@code g}. */
  int room(int g) {
    return chatBefore(g) / roomSize;
  }

  /** Rooms needed for {@code clients} clients. */
  int rooms(int clients) {
    return Math.max(1, (chatBefore(clients) + roomSize - 1) / roomSize);
  }
}
