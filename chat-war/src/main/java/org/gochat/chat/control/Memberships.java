package org.gochat.chat.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.gochat.chat.entity.ChatMessage;
import org.gochat.chat.entity.InboxEntry;
import org.gochat.chat.entity.RoomChange;
import org.gochat.chat.entity.RoomMember;
import org.gochat.chat.entity.RoomView;
import org.gochat.db.Bus;
import org.gochat.web.Caller;
import org.gochat.web.ProblemException;

/**
 * Rooms with members: who may see a room and what each member may do in it, decided here only,
 * from the membership rows read in the transaction of the action they guard; and the changes of
 * membership, read markers and the inbox.
 * <p>
 * A private or direct room does not exist for a non-member: every refusal for it is the same 404
 * as for an unknown id ({@link #notFound}).
 * <p>
 * Lock order: every change of a room's membership (a join, an addition, a role, a removal, a ban,
 * the room's deletion) and every batch of its messages ({@link MessageStore}) first locks the
 * room's row, then reads the membership rows in a statement of its own (so with a snapshot taken
 * after the lock). Changes of one room therefore take turns (one owner, one consistent state), a
 * batch sees every change committed before it (a removed member's message is never stored after
 * the removal's commit), and a change waits for a batch under way. The one exception is a join by
 * handshake, which only adds the caller's own row: joins share the lock ({@code FOR SHARE}) with
 * one another, so a room's many handshakes do not queue behind each other, and still exclude
 * every other change and every batch.
 * <p>
 * Every change is announced on the bus in its transaction ({@link MemberNotice}): each node's hub
 * closes the sockets it must close and tells the room's connected members, and fires a
 * {@link RoomChange} for whatever else follows a user's rooms.
 */
@ApplicationScoped
public class Memberships {

    public static final String PUBLIC = "public";
    public static final String PRIVATE = "private";
    public static final String DIRECT = "direct";
    public static final String OWNER = "owner";
    public static final String MODERATOR = "moderator";
    public static final String MEMBER = "member";

    /**
     * A caller's standing in a room: its visibility, the caller's role (null: not a member), a ban, the
     * room's last seq, and when the caller's membership began ({@link #MEMBER_SINCE}; 0 when none).
     */
    record Access(String visibility, String role, boolean banned, long lastSeq, long memberSince) {

        boolean visible() {
            return PUBLIC.equals(visibility) || role != null;
        }

        boolean moderates() {
            return OWNER.equals(role) || MODERATOR.equals(role);
        }
    }

    /** What a handshake to a room may do. */
    public enum Entry {
        ALLOWED, NOT_FOUND, BANNED
    }

    /**
     * A handshake's entry, the room's last seq as the transaction that allowed it saw it (-1 when
     * refused), and the membership it was allowed under ({@link Access#memberSince}; 0 when none):
     * the removal of that membership, or of an earlier one, closes the connection; the removal of an
     * earlier one announced late (the user left and came back meanwhile) does not.
     */
    public record Admission(Entry entry, long position, long memberSince) {

        static Admission refused(Entry entry) {
            return new Admission(entry, -1, 0);
        }

        static Admission allowed(Access access) {
            return new Admission(Entry.ALLOWED, access.lastSeq(), access.memberSince());
        }
    }

    /**
     * A membership's identity: when it began, in microseconds. A user who leaves and joins again has a
     * later one; the notice of a removal carries the removed membership's.
     */
    static final String MEMBER_SINCE = "coalesce((extract(epoch FROM m.joined_at) * 1000000)::bigint, 0)";

    /** The result of a route that may create what it returns (201) or find it (200). */
    public record Outcome<T>(T value, boolean created) {
    }

    /** A user as the member routes name them: their username, role in the room (null: none), and a ban. */
    private record Target(long id, String username, String role, boolean banned, long memberSince) {
    }

    @Inject
    ChatMetrics metrics;

    // ---- the one decision

    /**
     * The user's standing in the room as {@code c}'s transaction sees it now; empty when there is no
     * such room. Callers that change the room call {@link #lock} first.
     */
    static Optional<Access> access(Connection c, String roomId, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT r.visibility, m.role,
                       EXISTS (SELECT 1 FROM room_bans b WHERE b.room_id = r.id AND b.user_id = ?), r.last_seq, %s
                  FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = ?
                 WHERE r.id = ?""".formatted(MEMBER_SINCE))) {
            ps.setLong(1, userId);
            ps.setLong(2, userId);
            ps.setString(3, roomId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Access(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4), rs.getLong(5)))
                        : Optional.empty();
            }
        }
    }

    /** The user's standing in a room that exists for them, or the 404 of an unknown room. */
    private static Access visible(Connection c, String roomId, long userId) throws SQLException {
        return access(c, roomId, userId).filter(Access::visible).orElseThrow(() -> notFound(roomId));
    }

    /** Locks the room's row (see the lock order); false when there is no such room. */
    private static boolean lock(Connection c, String roomId) throws SQLException {
        return lock(c, roomId, "FOR NO KEY UPDATE");
    }

    /**
     * Locks the room's row for a join: shared with other joins, exclusive of every other change and
     * of message batches (see the lock order); false when there is no such room.
     */
    private static boolean lockForJoin(Connection c, String roomId) throws SQLException {
        return lock(c, roomId, "FOR SHARE");
    }

    private static boolean lock(Connection c, String roomId, String mode) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM rooms WHERE id = ? " + mode)) {
            ps.setString(1, roomId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Locks the rows of the rooms whose ids are its one parameter, an array (see the lock order), in
     * the order of their ids, so that two transactions that lock several never wait for each other;
     * rooms that do not exist are skipped. {@link MessageStore} runs it with the statement it guards.
     */
    static final String LOCK_ROOMS = "SELECT 1 FROM rooms WHERE id = ANY(?) ORDER BY id FOR NO KEY UPDATE";

    /** The answer for an unknown room, and for a private or direct room to a non-member: the same. */
    public static ProblemException notFound(String roomId) {
        return ProblemException.notFound("No room " + roomId + ".");
    }

    /**
     * The user's role in the room: owner, moderator or member; empty when they are not a member or
     * there is no such room. Any rule that depends on a role asks here.
     */
    public Optional<String> role(String roomId, long userId) {
        return read(c -> access(c, roomId, userId).map(Access::role));
    }

    /** Whether the room exists for the user: it is public, or they are a member. */
    public boolean maySee(String roomId, long userId) {
        return read(c -> access(c, roomId, userId).filter(Access::visible).isPresent());
    }

    /**
     * The handshake of a room's socket: whether the caller may open it, and where it starts (the
     * room's last seq, read in the same transaction). With {@code join}, a caller allowed into a
     * public room they are not a member of becomes one (and the room hears of it); a member's
     * handshake, the usual one, reads and locks nothing.
     */
    public Admission enter(String roomId, Caller caller, boolean join) {
        return write(c -> {
            Optional<Access> a = access(c, roomId, caller.id());
            if (a.isEmpty() || !a.get().visible()) {
                return Admission.refused(Entry.NOT_FOUND);
            }
            if (a.get().role() != null) {
                return Admission.allowed(a.get());
            }
            if (a.get().banned()) {
                return Admission.refused(Entry.BANNED);
            }
            if (!join) {
                return Admission.allowed(a.get());
            }
            if (!lockForJoin(c, roomId)) {
                return Admission.refused(Entry.NOT_FOUND);
            }
            Access locked = access(c, roomId, caller.id()).orElseThrow();
            if (locked.banned()) {
                return Admission.refused(Entry.BANNED);
            }
            // Joins share the lock: the same user's other handshake may have added the row meanwhile.
            if (locked.role() != null) {
                return Admission.allowed(locked);
            }
            if (insertMember(c, roomId, caller.id(), MEMBER)) {
                announce(c, RoomChange.ADDED, roomId, caller.id(), caller.username(), MEMBER);
                metrics.membersAdded().inc();
            }
            // The membership as it is now: this one's, or the one another handshake added meanwhile.
            return Admission.allowed(access(c, roomId, caller.id()).orElseThrow());
        });
    }

    /**
     * Where a new connection of this user starts in the room: its last seq; -1 when there is no such
     * room; -2 when the room exists but not for this user (removed since the handshake).
     */
    public long position(String roomId, long userId) {
        return read(c -> position(c, roomId, userId));
    }

    /** The same, in this transaction. */
    static long position(Connection c, String roomId, long userId) throws SQLException {
        return access(c, roomId, userId).map(a -> a.visible() ? a.lastSeq() : -2L).orElse(-1L);
    }

    // ---- reads

    /** The room's history page for this user, read in the transaction that decides they may; 404 otherwise. */
    public List<ChatMessage> history(String roomId, long userId, long before, int limit) {
        return read(c -> {
            visible(c, roomId, userId);
            return MessageStore.before(c, roomId, before, limit);
        });
    }

    /** Up to {@code limit} members with ids after {@code after}, by id; 404 when the room does not exist for the user. */
    public List<RoomMember> members(String roomId, long userId, long after, int limit) {
        return read(c -> {
            visible(c, roomId, userId);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT m.user_id, u.username, m.role, m.joined_at FROM room_members m JOIN users u ON u.id = m.user_id
                     WHERE m.room_id = ? AND m.user_id > ? ORDER BY m.user_id LIMIT ?""")) {
                ps.setString(1, roomId);
                ps.setLong(2, after);
                ps.setInt(3, limit);
                List<RoomMember> members = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        members.add(new RoomMember(rs.getLong(1), rs.getString(2), rs.getString(3),
                                rs.getObject(4, OffsetDateTime.class).toInstant()));
                    }
                }
                return members;
            }
        });
    }

    /**
     * The user's rooms, the one with the most recent message first, rooms without messages last
     * (then by id), at most {@code limit}. It reads the user's membership rows and their rooms' rows,
     * sorts them, and then reads the newest message of the first {@code limit} only: O(rooms of the
     * user), whatever the number of messages.
     */
    public List<InboxEntry> inbox(long userId, int limit) {
        return read(c -> inbox(c, userId, null, limit));
    }

    /** The entries of these rooms of the user (the user socket's {@code inbox} events), for the rooms they are a member of. */
    public List<InboxEntry> inbox(long userId, Collection<String> roomIds) {
        return read(c -> inbox(c, userId, roomIds.toArray(String[]::new), roomIds.size()));
    }

    private static List<InboxEntry> inbox(Connection c, long userId, String[] roomIds, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT r.id, r.name, r.visibility, r.created_by, r.created_at, t.role, r.last_seq, t.read_seq,
                       r.message_count - t.read_count, lm.*
                  FROM (SELECT m.room_id, m.role, m.read_seq, m.read_count, r.last_message_at
                          FROM room_members m JOIN rooms r ON r.id = m.room_id
                         WHERE m.user_id = ? AND (?::text[] IS NULL OR m.room_id = ANY (?::text[]))
                         ORDER BY r.last_message_at DESC NULLS LAST, m.room_id LIMIT ?) t
                  JOIN rooms r ON r.id = t.room_id
                  LEFT JOIN LATERAL (
                       SELECT %s FROM messages x
                        WHERE x.room_id = r.id AND x.message_no IS NOT NULL ORDER BY x.seq DESC LIMIT 1
                       ) lm ON r.message_count > 0
                 ORDER BY t.last_message_at DESC NULLS LAST, t.room_id""".formatted(MessageStore.COLUMNS))) {
            java.sql.Array rooms = roomIds == null ? null : c.createArrayOf("text", roomIds);
            ps.setLong(1, userId);
            ps.setArray(2, rooms);
            ps.setArray(3, rooms);
            ps.setInt(4, limit);
            List<InboxEntry> entries = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // The newest message in its current state (edited, or deleted without its text).
                    ChatMessage last = rs.getObject(10) == null ? null : MessageStore.row(rs, 10);
                    entries.add(new InboxEntry(room(rs), rs.getString(6), rs.getLong(7), rs.getLong(8),
                            Math.max(0, rs.getLong(9)), last));
                }
            }
            return entries;
        }
    }

    /** Every room the user is a member of (the user socket follows them). */
    public List<RoomView> roomsOf(long userId) {
        return read(c -> rooms(c, "JOIN room_members m ON m.room_id = r.id WHERE m.user_id = ?", ps -> ps.setLong(1, userId)));
    }

    /** The room object, if the room exists. */
    public Optional<RoomView> room(String roomId) {
        return read(c -> rooms(c, "WHERE r.id = ?", ps -> ps.setString(1, roomId))).stream().findFirst();
    }

    private interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    private static List<RoomView> rooms(Connection c, String where, Parameters parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT r.id, r.name, r.visibility, r.created_by, r.created_at FROM rooms r " + where)) {
            parameters.set(ps);
            List<RoomView> rooms = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rooms.add(room(rs));
                }
            }
            return rooms;
        }
    }

    /** The room object of the row's first five columns: id, name, visibility, created_by, created_at. */
    private static RoomView room(ResultSet rs) throws SQLException {
        long createdBy = rs.getLong(4);
        return new RoomView(rs.getString(1), rs.getString(2), rs.getString(3), rs.wasNull() ? null : createdBy,
                rs.getObject(5, OffsetDateTime.class).toInstant());
    }

    // ---- changes

    /**
     * Adds the user to the room with this role (member or moderator), or changes the role of a
     * member. Who may: anyone adds themselves to a public room (as a member, unless banned); the
     * owner and moderators add anyone (lifting a ban); only the owner makes or unmakes moderators;
     * the owner's role never changes (409); a direct room's members are fixed (403).
     */
    public Outcome<RoomMember> put(String roomId, Caller caller, long userId, String role) {
        return write(c -> {
            if (!lock(c, roomId)) {
                throw notFound(roomId);
            }
            Access me = visible(c, roomId, caller.id());
            if (DIRECT.equals(me.visibility())) {
                throw ProblemException.forbidden("The members of a direct room are fixed.");
            }
            Target target = target(c, roomId, userId);
            boolean self = userId == caller.id();
            if (target.role() == null) {
                if (self) {
                    if (target.banned()) {
                        throw ProblemException.forbidden("You are banned from this room.");
                    }
                    if (!MEMBER.equals(role)) {
                        throw ProblemException.forbidden("Only the owner makes moderators.");
                    }
                } else {
                    if (!me.moderates()) {
                        throw ProblemException.forbidden("Only the room's owner and moderators add members.");
                    }
                    if (MODERATOR.equals(role) && !OWNER.equals(me.role())) {
                        throw ProblemException.forbidden("Only the owner makes moderators.");
                    }
                    execute(c, "DELETE FROM room_bans WHERE room_id = ? AND user_id = ?", roomId, userId);
                }
                insertMember(c, roomId, userId, role);
                announce(c, RoomChange.ADDED, roomId, userId, target.username(), role);
                metrics.membersAdded().inc();
                return new Outcome<>(member(c, roomId, userId), true);
            }
            if (!target.role().equals(role)) {
                if (OWNER.equals(target.role())) {
                    throw ProblemException.conflict("The owner's role does not change.");
                }
                if (!OWNER.equals(me.role())) {
                    throw ProblemException.forbidden("Only the owner makes or unmakes moderators.");
                }
                execute(c, "UPDATE room_members SET role = ? WHERE room_id = ? AND user_id = ?", role, roomId, userId);
                announce(c, RoomChange.ROLE, roomId, userId, target.username(), role);
                metrics.rolesChanged().inc();
            }
            return new Outcome<>(member(c, roomId, userId), false);
        });
    }

    /**
     * Removes the user from the room, and with {@code ban} (public rooms only) bans them. Who may:
     * anyone removes themselves (leaving), except the owner (409); the owner removes anyone; a
     * moderator removes members, not moderators nor the owner; nobody leaves a direct room (403).
     * Removing a user who is not a member changes nothing; banning one bans them.
     */
    public void remove(String roomId, Caller caller, long userId, boolean ban) {
        write(c -> {
            if (!lock(c, roomId)) {
                throw notFound(roomId);
            }
            Access me = visible(c, roomId, caller.id());
            if (DIRECT.equals(me.visibility())) {
                throw ProblemException.forbidden("Nobody leaves or is removed from a direct room.");
            }
            if (ban && !PUBLIC.equals(me.visibility())) {
                throw ProblemException.invalid("ban", "applies to public rooms only (a private room's removed member cannot come back)");
            }
            Target target = target(c, roomId, userId);
            if (userId == caller.id()) {
                if (ban) {
                    throw ProblemException.invalid("ban", "cannot ban oneself");
                }
                if (OWNER.equals(me.role())) {
                    throw ProblemException.conflict("The owner cannot leave the room; delete it instead.");
                }
            } else {
                if (!me.moderates()) {
                    throw ProblemException.forbidden("Only the room's owner and moderators remove members.");
                }
                if (target.role() != null && !OWNER.equals(me.role()) && !MEMBER.equals(target.role())) {
                    throw ProblemException.forbidden("Moderators remove members, not moderators or the owner.");
                }
            }
            execute(c, "DELETE FROM room_members WHERE room_id = ? AND user_id = ?", roomId, userId);
            if (ban) {
                execute(c, "INSERT INTO room_bans (room_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", roomId, userId);
            }
            if (ban || target.role() != null) {
                String role = target.role() == null ? MEMBER : target.role();
                announce(c, ban ? RoomChange.BANNED : RoomChange.REMOVED, roomId, userId, target.username(), role,
                        target.memberSince());
                (ban ? metrics.membersBanned() : metrics.membersRemoved()).inc();
            }
            return null;
        });
    }

    /** Deletes the room with its members and history; only its owner may (403), others get 404 or 403 as they may see it. */
    public void delete(String roomId, Caller caller) {
        write(c -> {
            if (!lock(c, roomId)) {
                throw notFound(roomId);
            }
            Access me = visible(c, roomId, caller.id());
            if (!OWNER.equals(me.role())) {
                throw ProblemException.forbidden("Only the room's owner deletes it.");
            }
            execute(c, "DELETE FROM rooms WHERE id = ?", roomId);
            Bus.publish(c, MemberNotice.CHANNEL,
                    new MemberNotice(RoomChange.DELETED, caller.id(), null, 0, 0, roomId, null).payload());
            metrics.roomsDeleted().inc();
            return null;
        });
    }

    /**
     * Moves the caller's read marker up to {@code seq} (never back); members only (403 for a
     * non-member of a public room); 400 when {@code seq} is past the room's last.
     */
    public void markRead(String roomId, Caller caller, long seq) {
        write(c -> {
            Access me = visible(c, roomId, caller.id());
            if (me.role() == null) {
                throw ProblemException.forbidden("Only members keep a read marker.");
            }
            if (seq > me.lastSeq()) {
                throw ProblemException.invalid("seq", "must be at most the room's last seq, " + me.lastSeq());
            }
            // read_count: the message number at seq (edits and deletes have none: the message before them).
            int moved = execute(c, """
                    UPDATE room_members SET read_seq = ?, read_count = greatest(read_count, coalesce(
                           (SELECT x.message_no FROM messages x WHERE x.room_id = ? AND x.seq <= ? AND x.message_no IS NOT NULL
                             ORDER BY x.seq DESC LIMIT 1), 0))
                     WHERE room_id = ? AND user_id = ? AND read_seq < ?""", seq, roomId, seq, roomId, caller.id(), seq);
            if (moved > 0) {
                Bus.publish(c, MemberNotice.CHANNEL,
                        new MemberNotice(RoomChange.READ, caller.id(), me.role(), seq, 0, roomId, null).payload());
                metrics.readMarkersMoved().inc();
            }
            return null;
        });
    }

    /**
     * The direct room of the caller and that user, created (with the caller as its owner) when
     * there is none: one per pair, whoever asks first; 404 for an unknown user.
     */
    public Outcome<RoomView> direct(Caller caller, long userId) {
        return write(c -> {
            String other = username(c, userId).orElseThrow(() -> ProblemException.notFound("No user " + userId + "."));
            long low = Math.min(caller.id(), userId);
            long high = Math.max(caller.id(), userId);
            String key = low + ":" + high;
            String name = low == caller.id() ? caller.username() + ", " + other : other + ", " + caller.username();
            // Two users asking at once: the second insert waits for the first and then does nothing.
            int created = execute(c, """
                    INSERT INTO rooms (id, name, created_by, created_at, visibility, direct_key)
                    VALUES (?, ?, ?, now(), 'direct', ?) ON CONFLICT (direct_key) DO NOTHING""",
                    "d-" + UUID.randomUUID(), name, caller.id(), key);
            RoomView room;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name, visibility, created_by, created_at FROM rooms WHERE direct_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    room = room(rs);
                }
            }
            if (created > 0) {
                insertMember(c, room.id(), caller.id(), OWNER);
                insertMember(c, room.id(), userId, MEMBER);
                announce(c, RoomChange.ADDED, room.id(), caller.id(), caller.username(), OWNER);
                announce(c, RoomChange.ADDED, room.id(), userId, other, MEMBER);
                metrics.directRoomsCreated().inc();
            }
            return new Outcome<>(room, created > 0);
        });
    }

    /** The owner's row of a room just created (by {@link Rooms#create}, in its transaction). */
    static String ownerAddedPayload(String roomId, long userId, String username) {
        return new MemberNotice(RoomChange.ADDED, userId, OWNER, 0, 0, roomId,
                Frames.member(roomId, userId, username, OWNER, RoomChange.ADDED)).payload();
    }

    // ---- helpers

    /**
     * Adds the user as a member unless they are one already (a join shares the room's lock with the
     * same user's other handshake); whether it did.
     */
    private static boolean insertMember(Connection c, String roomId, long userId, String role) throws SQLException {
        // A new member has read nothing that came before: the marker starts at the room's end.
        return execute(c, """
                INSERT INTO room_members (room_id, user_id, role, read_seq, read_count)
                SELECT id, ?, ?, last_seq, message_count FROM rooms WHERE id = ?
                ON CONFLICT DO NOTHING""", userId, role, roomId) > 0;
    }

    private static void announce(Connection c, String action, String roomId, long userId, String username, String role)
            throws SQLException {
        announce(c, action, roomId, userId, username, role, 0);
    }

    /** The same, for a removal or ban: {@code memberSince} is the membership it ends (0: none, or every one). */
    private static void announce(Connection c, String action, String roomId, long userId, String username, String role,
            long memberSince) throws SQLException {
        String frame = Frames.member(roomId, userId, username, role, action);
        boolean stillMember = RoomChange.ADDED.equals(action) || RoomChange.ROLE.equals(action);
        Bus.publish(c, MemberNotice.CHANNEL,
                new MemberNotice(action, userId, stillMember ? role : null, 0, memberSince, roomId, frame).payload());
    }

    private static Target target(Connection c, String roomId, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT u.username, m.role, EXISTS (SELECT 1 FROM room_bans b WHERE b.room_id = ? AND b.user_id = u.id), %s
                  FROM users u LEFT JOIN room_members m ON m.room_id = ? AND m.user_id = u.id
                 WHERE u.id = ?""".formatted(MEMBER_SINCE))) {
            ps.setString(1, roomId);
            ps.setString(2, roomId);
            ps.setLong(3, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No user " + userId + ".");
                }
                return new Target(userId, rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4));
            }
        }
    }

    private static RoomMember member(Connection c, String roomId, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT u.username, m.role, m.joined_at FROM room_members m JOIN users u ON u.id = m.user_id
                 WHERE m.room_id = ? AND m.user_id = ?""")) {
            ps.setString(1, roomId);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new RoomMember(userId, rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant());
            }
        }
    }

    private static Optional<String> username(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT username FROM users WHERE id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static int execute(Connection c, String sql, Object... parameters) throws SQLException {
        return Sql.execute(c, sql, parameters);
    }

    /** Work in one transaction; a ProblemException rolls it back and reaches the route. */
    private static <T> T write(Sql.Work<T> work) {
        try {
            return Sql.inTransaction(work);
        } catch (SQLException e) {
            throw new IllegalStateException("room membership: " + e.getMessage(), e);
        }
    }

    /** Reads in one transaction (so a check and the read it guards see the same rows). */
    private static <T> T read(Sql.Work<T> work) {
        return write(work);
    }
}
