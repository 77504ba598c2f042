package dev.parley.chat;

/**
 * A snapshot of one client connection, as hooks see it. Immutable.
 *
 * @param id the server-assigned connection id (a random UUID)
 * @param user the connection's username, or {@code null} before it has one (before its first join,
 *     unless the connect hook chose it)
 * @param handshake what the client presented when it connected
 */
public record ConnectionInfo(String id, String user, Handshake handshake) {}
