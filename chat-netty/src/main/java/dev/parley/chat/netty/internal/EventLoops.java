package dev.parley.chat.netty.internal;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.util.Objects;

/**
 * Event loops an application hands to a server: {@code boss} accepts connections, {@code io} serves
 * them. Both run epoll, or both NIO; the server's channels are of the same kind. Immutable.
 */
public record EventLoops(IoEventLoopGroup boss, IoEventLoopGroup io, boolean epoll) {
  /**
   * @throws IllegalArgumentException if the two groups do not both run epoll or both NIO
   */
  public static EventLoops of(IoEventLoopGroup boss, IoEventLoopGroup io) {
    Objects.requireNonNull(boss, "boss");
    Objects.requireNonNull(io, "io");
    if (boss.isIoType(EpollIoHandler.class) && io.isIoType(EpollIoHandler.class)) {
      return new EventLoops(boss, io, true);
    }
    if (boss.isIoType(NioIoHandler.class) && io.isIoType(NioIoHandler.class)) {
      return new EventLoops(boss, io, false);
    }
    throw new IllegalArgumentException(
        "the event loop groups must both run epoll (EpollIoHandler) or both NIO (NioIoHandler)");
  }
}
