package org.gochat.chat.control;

import org.gochat.chat.entity.RoomChange;

/**
 * The NOTIFY payload announcing a change of a room's membership (or a read marker's move, or the
 * room's deletion), written and read here only: a head line
 * "{@code action userId role readSeq memberSince roomId}" ({@code role} "-" when none;
 * {@code memberSince} the membership a removal or ban ends, see {@link Memberships.Admission}, else
 * 0), then the {@code member} frame for the room's connected members, if any. Published in the
 * transaction that makes the change, so every node hears of it once it is committed, in commit
 * order with the room's messages.
 */
record MemberNotice(String action, long userId, String role, long readSeq, long memberSince, String roomId, String frame) {

    static final String CHANNEL = "gochat_members";

    String payload() {
        return action + ' ' + userId + ' ' + (role == null ? "-" : role) + ' ' + readSeq + ' ' + memberSince + ' '
                + roomId + '\n' + (frame == null ? "" : frame);
    }

    static MemberNotice parse(String payload) {
        int newline = payload.indexOf('\n');
        String[] head = payload.substring(0, newline).split(" ");
        String frame = payload.substring(newline + 1);
        // Five fields: a node of the version before memberSince (a rolling upgrade): it ends every membership.
        boolean withMembership = head.length > 5;
        return new MemberNotice(head[0], Long.parseLong(head[1]), head[2].equals("-") ? null : head[2],
                Long.parseLong(head[3]), withMembership ? Long.parseLong(head[4]) : 0, head[withMembership ? 5 : 4],
                frame.isEmpty() ? null : frame);
    }

    RoomChange change() {
        return new RoomChange(action, roomId, userId, role, readSeq);
    }
}
