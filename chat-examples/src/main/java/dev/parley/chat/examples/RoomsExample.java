package dev.parley.chat.examples;

import dev.parley.chat.ChatServer;
import dev.parley.chat.Decision;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.socketio.ChatEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chat rooms with private messages (the LogRocket "ChatServer" seed), served by Parley's own {@link
 * ChatServer} with no Socket.IO code at all: {@link ChatEvents} maps the chat onto the seed's events,
 * whose names and message types are read from {@code rooms-chat.properties} as the seed reads its
 * config file.
 *
 * <p>Client to server: {@code join room {roomname, username}}, {@code new message} with the text,
 * {@code new pm} with {@code "@target text"}, {@code leave room {roomname}}. Server to client, all on
 * {@code new message}: {@code {room, type: "generic", username, message}} for room messages (to the
 * rest of the room), {@code {type: "private", username, message, target}} for private ones, notices
 * {@code {room, type: "notice", message}} such as "alice has joined", and errors {@code {error: true,
 * code, msg}} such as "You're not part of a room yet". Payloads also carry an {@code id} and a
 * {@code time}.
 *
 * <p>Shows: a {@link ChatServer} with a hook, served over Socket.IO with configured event names.
 */
final class RoomsExample {
  private static final Logger log = LoggerFactory.getLogger(RoomsExample.class);

  private RoomsExample() {}

  static void run(Listen listen) throws InterruptedException {
    start(listen).awaitShutdown("Rooms chat (join room, new message, new pm) is running");
  }

  static Running start(Listen listen) {
    Properties config = load("rooms-chat.properties");
    ChatEvents events = ChatEvents.builder()
        .joinEvent(config.getProperty("chat.events.JOINROOM"))
        .leaveEvent(config.getProperty("chat.events.LEAVEROOM"))
        .messageEvent(config.getProperty("chat.events.NEWMSG"))
        .privateEvent(config.getProperty("chat.events.PRIVATEMSG"))
        .genericType(config.getProperty("chat.types.GENERIC"))
        .privateType(config.getProperty("chat.types.PRIVATE"))
        .noticeType(config.getProperty("chat.types.NOTICE"))
        .build();

    // The server already does what the seed's handlers do: "<user> has joined" to the room, room
    // messages to everyone in it but the sender, private messages to the target only, errors for
    // unknown users and for messages before a join, "<user> has left" on leave and disconnect.
    ChatServer chat = ChatServer.builder()
        .onJoin(join -> {
          log.info("New user joined: {} in {}", join.user(), join.room());
          return Decision.accept();
        })
        .build();

    NettyChatServer server = NettyChatServer.builder(listen.config().allowedOrigins(Set.of("*")).build())
        .chat(chat)
        .chatEvents(events)
        .build();
    server.start().toCompletableFuture().join();
    return new Running(server, chat);
  }

  private static Properties load(String resource) {
    Properties p = new Properties();
    try (InputStream in = RoomsExample.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + resource);
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
