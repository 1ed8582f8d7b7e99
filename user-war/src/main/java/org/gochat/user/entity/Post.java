package org.gochat.user.entity;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** A post as every route shows it: {@code {"id","authorId","authorUsername","content","createdAt"}}. */
public record Post(long id, long authorId, String authorUsername, String content, Instant createdAt) {

    /** The columns every post query selects, in the order {@link #of(Object[])} reads them. */
    public static final String COLUMNS = "p.id, p.author_id, u.username, p.content, p.created_at";

    public static Post of(Object[] row) {
        return new Post(((Number) row[0]).longValue(), ((Number) row[1]).longValue(), (String) row[2],
                (String) row[3], instant(row[4]));
    }

    // Times go out with millisecond precision, as every time of the API.
    private static Instant instant(Object value) {
        Instant instant = value instanceof OffsetDateTime odt ? odt.toInstant() : ((Timestamp) value).toInstant();
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
