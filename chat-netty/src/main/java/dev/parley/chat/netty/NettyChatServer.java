package dev.parley.chat.netty;

import dev.parley.chat.ChatServer;
import dev.parley.chat.netty.internal.JsonEndpoint;
import dev.parley.chat.netty.internal.NettyServer;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Serves a {@link ChatServer} over WebSocket with Netty: Parley's JSON protocol (docs/protocol.md) at
 * {@link NettyConfig#path()}, and optionally static files such as a browser client.
 *
 * <pre>{@code
 * NettyChatServer server = NettyChatServer.create(chat, NettyConfig.builder().port(8080).build());
 * server.start().toCompletableFuture().join();
 * // ...
 * server.stop().toCompletableFuture().join();
 * chat.close();
 * }</pre>
 *
 * <p>Netty's I/O threads only decode, encode and write; request handling and hooks run on the chat
 * server's hook executor. A server is started once and stopped once; stopping does not close the
 * {@link ChatServer}, which may outlive it.
 */
public final class NettyChatServer {
  private final NettyServer server;
  private volatile InetSocketAddress address;

  private NettyChatServer(ChatServer chat, NettyConfig config) {
    this.server = new NettyServer(config, JsonEndpoint.factory(chat, config));
  }

  /**
   * Creates a server; nothing is bound until {@link #start()}.
   *
   * @param chat the chat server clients talk to
   * @param config network settings
   * @return the server, not yet started
   */
  public static NettyChatServer create(ChatServer chat, NettyConfig config) {
    return new NettyChatServer(Objects.requireNonNull(chat, "chat"), Objects.requireNonNull(config, "config"));
  }

  /**
   * Binds the port and starts accepting connections.
   *
   * @return a stage completed with this server once it listens, or failed if the port could not be
   *     bound
   * @throws IllegalStateException if called twice
   */
  public CompletionStage<NettyChatServer> start() {
    return server.start().thenApply(bound -> {
      this.address = bound;
      return this;
    });
  }

  /** The port listened on (useful with port 0); -1 before the server started. */
  public int port() {
    InetSocketAddress a = address;
    return a == null ? -1 : a.getPort();
  }

  /** The address listened on, or {@code null} before the server started. */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * Stops accepting connections, sends every client close 1001 ("server shutting down"), waits up to
   * {@link NettyConfig#shutdownTimeout()} for them to close, closes the rest, and stops the I/O
   * threads. Safe to call more than once.
   *
   * @return a stage completed when everything is closed
   */
  public CompletionStage<Void> stop() {
    return server.stop();
  }
}
