package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A broadcast is encoded once per wire format, however many recipients it has and whichever node
 * it was sent on: every recipient of a room's message is handed the same {@link SharedEvent}, whose
 * encodings the first recipient of each format makes and the others reuse. Two nodes of {@link
 * SharedMemoryCluster}, whose remote deliveries arrive decoded from bytes on the node's own thread,
 * as a cluster engine's do; each node has two formats, as the JSON protocol and Socket.IO are.
 */
class EncodeOnceTest {
  private static final int MEMBERS_PER_FORMAT = 3;

  private final SharedMemoryCluster cluster = new SharedMemoryCluster();
  private final List<ChatServer> servers = new ArrayList<>();

  @AfterEach
  void close() {
    servers.forEach(ChatServer::close);
  }

  private ChatServer node() {
    ChatServer server = ChatServer.builder()
        .cluster(cluster.newNode())
        .config(ChatConfig.builder().announcePresence(false).build())
        .build();
    servers.add(server);
    return server;
  }

  /** A wire format of one node: counts how often it encoded each message's text. */
  private static final class Format implements SharedEvent.Encoding<Object> {
    final Map<String, AtomicInteger> encodes = new ConcurrentHashMap<>();

    @Override
    public Object encode(ServerEvent event) {
      if (event instanceof ServerEvent.Message m) {
        encodes.computeIfAbsent(m.message().text(), t -> new AtomicInteger()).incrementAndGet();
      }
      return new Object();
    }

    int encodesOf(String text) {
      AtomicInteger n = encodes.get(text);
      return n == null ? 0 : n.get();
    }
  }

  /** A transport's connection that encodes what it is sent in its node's format, as transports do. */
  private static final class Recipient implements ClientConnection {
    final Format format;
    final BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
    /** The room messages this connection was handed as a fan-out's shared event. */
    final BlockingQueue<String> sharedMessages = new LinkedBlockingQueue<>();
    ClientSession session;

    Recipient(Format format) {
      this.format = format;
    }

    @Override
    public Handshake handshake() {
      return Handshake.empty();
    }

    @Override
    public boolean send(ServerEvent event) {
      events.add(event);
      return true;
    }

    @Override
    public boolean send(SharedEvent shared) {
      shared.encoded(format);
      if (shared.event() instanceof ServerEvent.Message m) {
        sharedMessages.add(m.message().text());
      }
      return true;
    }

    @Override
    public void close(int code, String reason) {}

    <T extends ServerEvent> T take(Class<T> type) throws InterruptedException {
      for (;;) {
        ServerEvent e = events.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("an event within 5 s").isNotNull();
        if (type.isInstance(e)) {
          return type.cast(e);
        }
      }
    }
  }

  private static Recipient join(ChatServer server, Format format, String name) throws InterruptedException {
    Recipient r = new Recipient(format);
    r.session = server.open(r);
    r.take(ServerEvent.Welcome.class);
    r.session.receive(new ClientRequest.Join(null, "lobby", name));
    r.take(ServerEvent.Joined.class);
    return r;
  }

  private static void awaitShared(List<Recipient> recipients, String text) throws InterruptedException {
    for (Recipient r : recipients) {
      assertThat(r.sharedMessages.poll(5, TimeUnit.SECONDS)).isEqualTo(text);
    }
  }

  @Test
  void aRoomMessage_isEncodedOncePerFormat_onItsOwnNodeAndOnTheNodeItIsDeliveredTo() throws InterruptedException {
    ChatServer a = node();
    ChatServer b = node();
    Format jsonA = new Format();
    Format socketIoA = new Format();
    Format jsonB = new Format();
    Format socketIoB = new Format();
    List<Recipient> onA = new ArrayList<>();
    List<Recipient> onB = new ArrayList<>();
    for (int i = 0; i < MEMBERS_PER_FORMAT; i++) {
      onA.add(join(a, jsonA, "aj" + i));
      onA.add(join(a, socketIoA, "as" + i));
      onB.add(join(b, jsonB, "bj" + i));
      onB.add(join(b, socketIoB, "bs" + i));
    }
    Recipient sender = onA.remove(0);

    sender.session.receive(new ClientRequest.Send("1", "lobby", "from a", null));
    awaitShared(onA, "from a"); // delivered on its own node
    awaitShared(onB, "from a"); // delivered from node a, decoded on b's engine thread

    assertThat(jsonA.encodesOf("from a")).isEqualTo(1);
    assertThat(socketIoA.encodesOf("from a")).isEqualTo(1);
    assertThat(jsonB.encodesOf("from a")).isEqualTo(1);
    assertThat(socketIoB.encodesOf("from a")).isEqualTo(1);
    assertThat(sender.sharedMessages).isEmpty();

    b.broadcast("lobby", "from server code").toCompletableFuture().join();
    onA.add(sender);
    awaitShared(onA, "from server code");
    awaitShared(onB, "from server code");

    for (Format f : List.of(jsonA, socketIoA, jsonB, socketIoB)) {
      assertThat(f.encodesOf("from server code")).isEqualTo(1);
    }
  }
}
