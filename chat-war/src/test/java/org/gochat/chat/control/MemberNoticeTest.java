package org.gochat.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A membership notice reads back as written, and one from a node of the version before memberSince still reads. */
class MemberNoticeTest {

    @Test
    void aNoticeReadsBackAsWritten() {
        MemberNotice removal = new MemberNotice("removed", 7, null, 0, 1_764_000_000_123_456L, "room-1",
                "{\"type\":\"member\"}");
        assertEquals(removal, MemberNotice.parse(removal.payload()));
        MemberNotice read = new MemberNotice("read", 7, "member", 42, 0, "room-1", null);
        assertEquals(read, MemberNotice.parse(read.payload()));
    }

    @Test
    void aNoticeWithoutMemberSinceEndsEveryMembership() {
        MemberNotice old = MemberNotice.parse("removed 7 - 0 room-1\n{\"type\":\"member\"}");
        assertEquals(new MemberNotice("removed", 7, null, 0, 0, "room-1", "{\"type\":\"member\"}"), old);
    }
}
