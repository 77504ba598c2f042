package dev.parley.chat.examples;

import dev.parley.chat.ChatServer;
import dev.parley.chat.Decision;
import dev.parley.chat.cluster.redis.RedisClusterConfig;
import dev.parley.chat.cluster.redis.RedisClusterEngine;
import dev.parley.chat.netty.NettyChatServer;

/**
 * A node of a moderated cluster, for {@code ModerationClusterIT}: {@code ModeratedServer --redis-url
 * URL --history-url JDBC_URL --port N}. Users whose name starts with {@code mod} may moderate (the
 * moderation hook); history, bans and mutes are kept in the database. Runs until killed; a stop
 * (SIGTERM) closes it cleanly.
 */
public final class ModeratedServer {
  private ModeratedServer() {}

  public static void main(String[] args) throws Exception {
    ExampleArgs options = ExampleArgs.parse(args, System::getenv);
    RedisClusterEngine cluster = RedisClusterEngine.create(RedisClusterConfig.builder(options.redisUrl()).build());
    ChatServer chat = ChatServer.builder()
        .cluster(cluster)
        .historyStore(RoomsChatExample.history(options.historyUrl(), null))
        .onModerate(m -> m.user().startsWith("mod") ? Decision.accept()
            : Decision.reject("NOT_A_MODERATOR", "Only moderators moderate"))
        .build();
    NettyChatServer server = NettyChatServer.builder(options.listen().config().build()).chat(chat).build();
    server.start().toCompletableFuture().join();
    System.out.println("Parley chat is running: open " + options.listen().url(server.port()));
    new Running(server, chat).awaitShutdown("A moderated node");
  }
}
