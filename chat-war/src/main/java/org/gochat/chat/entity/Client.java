package org.gochat.chat.entity;

/** A user connected to a room, as {@code GET /chat/ws/getClients/{roomId}} lists it. */
public record Client(long id, String username) {
}
