package org.gochat.chat.entity;

/** A room as {@code GET /chat/ws/getRooms} lists it: {@code clients} counts the users connected now, on every node. */
public record RoomSummary(String id, String name, long clients) {
}
