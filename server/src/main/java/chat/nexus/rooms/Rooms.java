package chat.nexus.rooms;

import chat.nexus.store.Blocking;
import chat.nexus.store.Database;

/**
 * The rooms capability wired once: memberships, rooms, blocks, reports, and who may join and send.
 * Changes are told to every node through {@link Members#changes()}.
 */
public record Rooms(
    Members members, RoomStore rooms, Blocks blocks, ReportStore reports, RoomAccess access) {

  public static Rooms open(Database database, Blocking blocking) {
    RoomChanges changes = new RoomChanges();
    Members members = new Members(new MemberStore(database), blocking, changes);
    RoomStore rooms = new RoomStore(database);
    Blocks blocks = new Blocks(new BlockStore(database), blocking, changes);
    return new Rooms(
        members,
        rooms,
        blocks,
        new ReportStore(database),
        new RoomAccess(members, blocks, rooms, blocking));
  }

  public RoomChanges changes() {
    return members.changes();
  }
}
