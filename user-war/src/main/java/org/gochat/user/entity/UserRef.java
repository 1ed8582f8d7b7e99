package org.gochat.user.entity;

/** A user in a followers or following list: {@code {"id","username"}}. */
public record UserRef(long id, String username) {

    public static UserRef of(Object[] row) {
        return new UserRef(((Number) row[0]).longValue(), (String) row[1]);
    }
}
