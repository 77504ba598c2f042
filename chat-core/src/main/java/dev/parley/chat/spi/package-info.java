/**
 * The transport SPI: how a network transport (or the test kit) connects clients to a {@link
 * dev.parley.chat.ChatServer}, and how fan-out reaches connections.
 *
 * <p>A transport turns each client into a {@link dev.parley.chat.spi.ClientConnection}, passes it to
 * {@link dev.parley.chat.ChatServer#open(ClientConnection)}, decodes the client's frames into {@link
 * dev.parley.chat.spi.ClientRequest}s for the returned {@link dev.parley.chat.spi.ClientSession}, and
 * encodes the {@link dev.parley.chat.spi.ServerEvent}s it is given. Applications do not need this
 * package.
 */
package dev.parley.chat.spi;
