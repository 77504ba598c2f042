package dev.parley.chat.netty.internal;

import dev.parley.chat.ChatServer;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.netty.NettyConfig;
import io.netty.channel.ChannelHandler;
import java.util.function.Supplier;

/** The JSON protocol endpoint's handlers, one per connection, sharing one codec. */
public final class JsonEndpoint {
  private JsonEndpoint() {}

  public static Supplier<ChannelHandler> factory(ChatServer chat, NettyConfig config) {
    JsonProtocol protocol = new JsonProtocol();
    ChatMetrics metrics = chat.metrics();
    Runnable slowConsumer = () -> metrics.slowConsumerClosed(ChatMetrics.Protocol.JSON);
    return () -> new ChatFrameHandler(chat, protocol, config, slowConsumer);
  }
}
