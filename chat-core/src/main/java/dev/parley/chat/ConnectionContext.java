package dev.parley.chat;

/**
 * What a disconnect hook is told.
 *
 * @param server the server
 * @param connection the connection that closed; it has already left all its rooms
 */
public record ConnectionContext(ChatServer server, ConnectionInfo connection) {}
