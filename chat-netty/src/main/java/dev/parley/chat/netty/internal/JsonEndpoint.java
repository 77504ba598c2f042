package dev.parley.chat.netty.internal;

import dev.parley.chat.ChatServer;
import dev.parley.chat.netty.NettyConfig;
import io.netty.channel.ChannelHandler;
import java.util.function.Supplier;

/** The JSON protocol endpoint's handlers, one per connection, sharing one codec. */
public final class JsonEndpoint {
  private JsonEndpoint() {}

  public static Supplier<ChannelHandler> factory(ChatServer chat, NettyConfig config) {
    JsonProtocol protocol = new JsonProtocol();
    return () -> new ChatFrameHandler(chat, protocol, config);
  }
}
