package org.gochat.chat.entity;

/**
 * A room as {@code GET /chat/ws/getRooms} lists it: {@code clients} counts the users connected now, on every node;
 * {@code visibility} is public, private or direct.
 */
public record RoomSummary(String id, String name, String visibility, long clients) {
}
