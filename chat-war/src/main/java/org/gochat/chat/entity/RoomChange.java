package org.gochat.chat.entity;

/**
 * A change of a room's membership or of a member's read marker, fired as a CDI event on every node
 * when the bus brings it (so once per node, in commit order, on the bus thread: observers must
 * return quickly). {@code action}: added, removed, banned, role (the user's role changed), read
 * (the user's read marker moved to {@code readSeq}), deleted (the room is gone; {@code userId} is
 * then the user who deleted it). {@code role} is the user's role after the change (null when they
 * are no longer a member).
 */
public record RoomChange(String action, String roomId, long userId, String role, long readSeq) {

    public static final String ADDED = "added";
    public static final String REMOVED = "removed";
    public static final String BANNED = "banned";
    public static final String ROLE = "role";
    public static final String READ = "read";
    public static final String DELETED = "deleted";
}
