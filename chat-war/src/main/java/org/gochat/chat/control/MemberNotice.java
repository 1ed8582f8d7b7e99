package org.gochat.chat.control;

import org.gochat.chat.entity.RoomChange;

/**
 * The NOTIFY payload announcing a change of a room's membership (or a read marker's move, or the
 * room's deletion), written and read here only: a head line "{@code action userId role readSeq roomId}"
 * ({@code role} "-" when none), then the {@code member} frame for the room's connected members, if
 * any. Published in the transaction that makes the change, so every node hears of it once it is
 * committed, in commit order with the room's messages.
 */
record MemberNotice(String action, long userId, String role, long readSeq, String roomId, String frame) {

    static final String CHANNEL = "gochat_members";

    String payload() {
        return action + ' ' + userId + ' ' + (role == null ? "-" : role) + ' ' + readSeq + ' ' + roomId + '\n'
                + (frame == null ? "" : frame);
    }

    static MemberNotice parse(String payload) {
        int newline = payload.indexOf('\n');
        String[] head = payload.substring(0, newline).split(" ");
        String frame = payload.substring(newline + 1);
        return new MemberNotice(head[0], Long.parseLong(head[1]), head[2].equals("-") ? null : head[2],
                Long.parseLong(head[3]), head[4], frame.isEmpty() ? null : frame);
    }

    RoomChange change() {
        return new RoomChange(action, roomId, userId, role, readSeq);
    }
}
