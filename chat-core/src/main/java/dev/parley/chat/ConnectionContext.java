package dev.parley.chat;

/**
 * What a disconnect hook is told.
 *
 * <p>Threading and lifecycle: an immutable value made for one hook call, safe to pass to other
 * threads; the {@code server} it names may be used from any thread for as long as it runs.
 *
 * @param server the server
 * @param connection the connection that closed; it has already left all its rooms
 */
public record ConnectionContext(ChatServer server, ConnectionInfo connection) {}
