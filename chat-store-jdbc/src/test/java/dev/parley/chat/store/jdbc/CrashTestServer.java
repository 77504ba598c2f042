package dev.parley.chat.store.jdbc;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.history.Retention;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.netty.NettyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The server {@link StoreCrashIT} kills: the JSON protocol on a free port, history in a {@link
 * JdbcHistoryStore}, and the default ack timing, which with that store must acknowledge a message
 * only once committed. Writes its port to a file once listening, then runs until killed.
 *
 * <p>Arguments: JDBC URL, table prefix, port file.
 */
public final class CrashTestServer {
  private CrashTestServer() {}

  public static void main(String[] args) throws Exception {
    JdbcHistoryStore store = JdbcHistoryStore.builder()
        .url(args[0])
        .tablePrefix(args[1])
        .retention(Retention.messages(100_000))
        .build();
    ChatConfig config = ChatConfig.builder() // no ackTiming: the default is what is tested
        .announcePresence(false)
        .historySize(10_000) // a joiner gets everything the test sent
        .requestsPerSecond(1_000_000)
        .requestBurst(1_000_000)
        .maxPendingRequests(10_000)
        .build();
    ChatServer chat = ChatServer.builder().config(config).historyStore(store).build();
    NettyChatServer server = NettyChatServer.create(chat, NettyConfig.builder().host("127.0.0.1").port(0).build());
    server.start().toCompletableFuture().join();

    Path portFile = Path.of(args[2]);
    Path partial = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(partial, Integer.toString(server.port()));
    Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join(); // until SIGKILL
  }
}
