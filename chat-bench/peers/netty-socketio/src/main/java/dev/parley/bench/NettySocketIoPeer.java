package dev.parley.bench;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.sun.net.httpserver.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The netty-socketio peer of chat-bench: the rooms chat with the wire shapes of Parley's Socket.IO
 * bridge, so that one load driver runs against Parley, the socket.io peer and this server.
 */
public final class NettySocketIoPeer {
  private static final Pattern PM = Pattern.compile("^\\s*@([\\p{L}\\p{N}_.\\-]+)\\s+(.*)$", Pattern.DOTALL);
  private static final String USERNAME = "username";
  private static final String LAST_ROOM = "lastRoom";
  /** The rooms joined, kept here because netty-socketio has left them all before disconnect listeners run. */
  private static final String ROOMS = "rooms";
  private static final String MESSAGE = "new message";
  private static final String PRESENCE = "presence";

  record Joined(String room, String username, List<String> members, List<Object> history) {}

  record RoomMessage(String id, long time, String room, String type, String username, String message) {}

  record PrivateMessage(String id, long time, String type, String username, String message, String target) {}

  record Sent(String id, long time) {}

  record Presence(String room, String username, String state) {}

  record ChatError(boolean error, String code, String msg) {
    ChatError(String code, String msg) {
      this(true, code, msg);
    }
  }

  private final SocketIOServer server;
  private final boolean presence;
  /** username -> the client that joined with it last: where private messages go. */
  private final Map<String, SocketIOClient> users = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private NettySocketIoPeer(SocketIOServer server, boolean presence) {
    this.server = server;
    this.presence = presence;
    server.addEventListener("join room", Map.class, (client, data, ack) -> join(client, data, ack));
    server.addEventListener(MESSAGE, Object.class, (client, data, ack) -> roomMessage(client, data, ack));
    server.addEventListener("new pm", Object.class, (client, data, ack) -> privateMessage(client, data, ack));
    server.addDisconnectListener(this::disconnected);
  }

  public static void main(String[] args) throws Exception {
    Options options = new Options(args);
    int port = options.integer("port", "PORT", 3001);
    String host = options.text("host", "HOST", "0.0.0.0");
    int statsPort = options.integer("stats-port", "STATS_PORT", port + 1000);

    Configuration config = new Configuration();
    config.setHostname(host);
    config.setPort(port);
    config.setTransports(Transport.WEBSOCKET, Transport.POLLING);
    // Raised from 64 KiB to socket.io's own default (maxHttpBufferSize 1 MB), so that a large bench
    // message is not refused by one server only.
    config.setMaxFramePayloadLength(1_000_000);
    config.setMaxHttpContentLength(1_000_000);
    // Lets a run start right after the previous one on the same port (sockets still in TIME_WAIT).
    config.getSocketConfig().setReuseAddress(true);
    // netty-socketio accepts permessage-deflate by default; neither socket.io v4 nor Parley does, so
    // the bench may switch it off to compare the same work. Default: the library's.
    config.setWebsocketCompression(options.bool("ws-compression", "WS_COMPRESSION", config.isWebsocketCompression()));

    SocketIOServer server = new SocketIOServer(config);
    new NettySocketIoPeer(server, options.bool("presence", "PRESENCE", true));
    server.start();
    HttpServer stats = StatsEndpoint.start(host, statsPort, () -> server.getAllClients().size());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stats.stop(0);
      server.stop();
    }, "peer-shutdown"));
    System.out.println("READY " + port);
  }

  private void join(SocketIOClient client, Map<?, ?> data, AckRequest ack) {
    Object room = data.get("roomname");
    Object username = data.get("username");
    if (!(room instanceof String r) || r.isEmpty() || !(username instanceof String u) || u.isEmpty()) {
      reply(client, ack, new ChatError("BAD_REQUEST", "join room needs {roomname, username}"));
      return;
    }
    boolean fresh = !client.getAllRooms().contains(r);
    if (!client.has(ROOMS)) {
      client.set(ROOMS, ConcurrentHashMap.newKeySet());
    }
    client.<Set<String>>get(ROOMS).add(r);
    client.set(USERNAME, u);
    client.set(LAST_ROOM, r);
    users.put(u, client);
    client.joinRoom(r);
    reply(client, ack, new Joined(r, u, members(r), List.of()));
    if (fresh && presence) {
      server.getRoomOperations(r).sendEvent(PRESENCE, client, new Presence(r, u, "joined"));
    }
  }

  private List<String> members(String room) {
    return server.getRoomOperations(room).getClients().stream()
        .map(c -> c.<String>get(USERNAME))
        .filter(name -> name != null)
        .distinct()
        .toList();
  }

  private void roomMessage(SocketIOClient client, Object data, AckRequest ack) {
    String username = client.get(USERNAME);
    Object room = client.get(LAST_ROOM);
    Object text = data;
    if (data instanceof Map<?, ?> m) {
      room = m.containsKey("room") ? m.get("room") : room;
      text = m.get("message");
    }
    if (username == null || !(room instanceof String r) || !client.getAllRooms().contains(r)) {
      reply(client, ack, new ChatError("NOT_IN_ROOM", "You're not in room " + room));
      return;
    }
    RoomMessage message = new RoomMessage(nextId(), System.currentTimeMillis(), r, "generic", username,
        text == null ? "" : String.valueOf(text));
    server.getRoomOperations(r).sendEvent(MESSAGE, client, message);
    if (ack.isAckRequested()) {
      ack.sendAckData(new Sent(message.id(), message.time()));
    }
  }

  private void privateMessage(SocketIOClient client, Object data, AckRequest ack) {
    String target = null;
    Object text = null;
    if (data instanceof Map<?, ?> m) {
      target = m.get("target") instanceof String t ? t.replaceFirst("^@", "") : null;
      text = m.get("message");
    } else if (data != null) {
      Matcher pm = PM.matcher(String.valueOf(data));
      if (pm.matches()) {
        target = pm.group(1);
        text = pm.group(2);
      }
    }
    String username = client.get(USERNAME);
    SocketIOClient recipient = target == null ? null : users.get(target);
    if (username == null) {
      reply(client, ack, new ChatError("NOT_IN_ROOM", "Join a room before sending messages"));
    } else if (target == null || text == null) {
      reply(client, ack, new ChatError("BAD_REQUEST", "Private messages are \"@name text\""));
    } else if (recipient == null) {
      reply(client, ack, new ChatError("UNKNOWN_USER", "No user named " + target + " is online"));
    } else {
      PrivateMessage message = new PrivateMessage(nextId(), System.currentTimeMillis(), "private", username,
          String.valueOf(text), target);
      recipient.sendEvent(MESSAGE, message);
      if (ack.isAckRequested()) {
        ack.sendAckData(new Sent(message.id(), message.time()));
      }
    }
  }

  private void disconnected(SocketIOClient client) {
    String username = client.get(USERNAME);
    if (username == null) {
      return;
    }
    users.remove(username, client);
    if (presence) {
      for (String room : client.<Set<String>>get(ROOMS)) {
        server.getRoomOperations(room).sendEvent(PRESENCE, client, new Presence(room, username, "left"));
      }
    }
  }

  private String nextId() {
    return Long.toString(ids.incrementAndGet());
  }

  /** Answers in the acknowledgement if the client asked for one; errors otherwise on {@code new message}. */
  private static void reply(SocketIOClient client, AckRequest ack, Object payload) {
    if (ack.isAckRequested()) {
      ack.sendAckData(payload);
    } else if (payload instanceof ChatError) {
      client.sendEvent(MESSAGE, payload);
    }
  }
}
