package dev.parley.chat.examples;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.HookResult;
import dev.parley.chat.MessageKind;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.netty.NettyConfig;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms chat server: people join rooms, talk to the room, and whisper with {@code @name}. The
 * browser client is served at {@code /}.
 *
 * <p>The server already distributes room messages to everyone but the sender, delivers private
 * messages, and announces "X has joined"; the hooks here add a greeting and a {@code /who} command
 * and log what goes where.
 */
public final class RoomsChatExample {
  private static final Logger log = LoggerFactory.getLogger(RoomsChatExample.class);

  private RoomsChatExample() {}

  static void run(int port) throws InterruptedException {
    Running running = start(port);
    System.out.println("Parley chat is running: open http://localhost:" + running.server().port() + "/ (Ctrl+C stops it)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.stop();
      stopped.countDown();
    }, "parley-shutdown"));
    stopped.await();
  }

  /** A started example: the chat server and its network server. */
  record Running(ChatServer chat, NettyChatServer server) {
    void stop() {
      server.stop().toCompletableFuture().join();
      chat.close();
    }
  }

  static Running start(int port) {
    ChatServer chat = ChatServer.builder()
        .onJoin(join -> {
          log.info("{} joined {}", join.user(), join.room());
          join.reply("Welcome to " + join.room() + ", " + join.user()
              + ". Write @name to whisper, /who to see who is here.");
          return HookResult.accept(); // the room is told "<user> has joined"
        })
        .onMessage(ctx -> {
          ChatMessage msg = ctx.message();
          if (msg.kind() == MessageKind.ROOM && msg.text().trim().equals("/who")) {
            ctx.reply("In " + msg.room() + ": " + String.join(", ", ctx.server().members(msg.room())));
            return HookResult.handled();
          }
          if (msg.kind() == MessageKind.PRIVATE) {
            log.info("private message {} -> {}", msg.sender(), msg.recipient());
          }
          // Room messages go to the room except the sender; private ones to the recipient only.
          return HookResult.accept();
        })
        .build();

    NettyChatServer server = NettyChatServer.create(chat,
        NettyConfig.builder().port(port).staticResources("web").build());
    server.start().toCompletableFuture().join();
    return new Running(chat, server);
  }
}
