package org.gochat.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A notice's head (room, first and last seq) reads the same from the head line alone as from the whole payload. */
class NoticeTest {

    @Test
    void theHeadLineAloneGivesTheRoomAndTheLastSeq() {
        List<String> tails = List.of("\"userId\":1,\"content\":\"a b\"}", "\"userId\":2,\"content\":\"c\"}");
        String withTails = "room-1 41 42" + Notice.body(tails);
        String without = "room-1 41 42";
        for (String payload : List.of(withTails, without)) {
            Notice whole = Notice.parse(payload);
            assertEquals(whole.roomId(), Notice.roomOf(payload));
            assertEquals(whole.last(), Notice.lastOf(payload));
            assertEquals("room-1", Notice.roomOf(payload));
            assertEquals(42, Notice.lastOf(payload));
        }
        assertTrue(Notice.parse(withTails).carriesFrames());
        assertEquals(tails, Notice.parse(withTails).tails());
        assertFalse(Notice.parse(without).carriesFrames());
    }
}
