package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.Handshake;
import dev.parley.chat.MessageKind;
import dev.parley.chat.netty.internal.engineio.EngineFrame;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.socketio.SocketIoClient;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link ChatServer} on a Socket.IO namespace: each socket is a chat connection; events become
 * chat requests and server events become emits, as {@link ChatEvents} names them. Acknowledgements
 * take the place of the JSON protocol's request ids.
 */
public final class ChatBridge implements NamespaceImpl.Listener {
  private static final Pattern PRIVATE = Pattern.compile("^\\s*@([\\p{L}\\p{N}_.\\-]+)\\s+(.*)$", Pattern.DOTALL);

  private final ChatServer chat;
  private final ChatEvents events;
  private final String namespace;
  /** A fan-out hands every member the same event in a row: encode it once per thread. */
  private final ThreadLocal<Object[]> lastEncoded = ThreadLocal.withInitial(() -> new Object[2]);

  private ChatBridge(ChatServer chat, ChatEvents events, String namespace) {
    this.chat = chat;
    this.events = events;
    this.namespace = namespace;
  }

  /** Serves {@code chat} on the namespace. */
  public static void install(ChatServer chat, ChatEvents events, NamespaceImpl ns) {
    ChatBridge bridge = new ChatBridge(chat, events, ns.name());
    ns.listener(bridge);
    ns.onInline(events.joinEvent(), (client, args, ack) -> {
      Map<?, ?> data = map(args);
      String room = text(data, "roomname", "room");
      state(client).lastRoom = room;
      state(client).session.receive(new ClientRequest.Join(state(client).ackId(ack), room == null ? "" : room,
          text(data, "username", "user")));
    });
    ns.onInline(events.leaveEvent(), (client, args, ack) -> {
      String room = args.isEmpty() ? null : args.get(0) instanceof String s ? s : text(map(args), "roomname", "room");
      state(client).session.receive(new ClientRequest.Leave(state(client).ackId(ack), room == null ? "" : room));
    });
    ns.onInline(events.messageEvent(), (client, args, ack) -> {
      State st = state(client);
      Object first = args.isEmpty() ? null : args.get(0);
      String room = st.lastRoom;
      String text;
      Map<String, Object> data = null;
      if (first instanceof Map<?, ?> m) {
        String r = text(m, "room", "roomname");
        room = r == null ? room : r;
        text = text(m, "message", "text");
      } else {
        text = first == null ? null : String.valueOf(first);
      }
      st.session.receive(new ClientRequest.Send(st.ackId(ack), room == null ? "" : room, text == null ? "" : text, data));
    });
    ns.onInline(events.privateEvent(), (client, args, ack) -> {
      State st = state(client);
      Object first = args.isEmpty() ? null : args.get(0);
      String to = null;
      String text = null;
      if (first instanceof Map<?, ?> m) {
        to = text(m, "target", "to");
        text = text(m, "message", "text");
        if (to != null && to.startsWith("@")) {
          to = to.substring(1);
        }
      } else if (first != null) {
        Matcher pm = PRIVATE.matcher(String.valueOf(first));
        if (pm.matches()) {
          to = pm.group(1);
          text = pm.group(2);
        }
      }
      if (to == null || text == null) {
        bridge.reply((SocketImpl) client, st, st.ackId(ack),
            error("BAD_REQUEST", "Private messages are \"@name text\""));
        return;
      }
      if (st.lastRoom != null) {
        // As the rooms seed: a private message is sent from the room the client is in, and says so.
        st.session.receive(new ClientRequest.Send(st.ackId(ack), st.lastRoom, "@" + to + " " + text, null));
      } else {
        st.session.receive(new ClientRequest.SendPrivate(st.ackId(ack), to, text, null));
      }
    });
  }

  private static final class State {
    volatile ClientSession session;
    /** The chat server closed the connection before {@link #session} was known. */
    volatile boolean closeRequested;
    /** Events sent after the welcome but before the socket existed, replayed in order once it does. */
    final java.util.List<ServerEvent> early = new java.util.ArrayList<>();
    /** A close asked for in that same window. */
    boolean closeEarly;
    /** Set once the Socket.IO socket exists; until then the chat session is being accepted. */
    volatile SocketImpl socket;
    /** Until the socket exists: where the chat server's accept or refusal goes. */
    volatile NamespaceImpl.Decided pending;
    volatile Connection connection;
    volatile String refusal;
    String lastRoom;
    final AtomicLong ids = new AtomicLong();
    final Map<String, Ack> acks = new ConcurrentHashMap<>();

    String ackId(Ack ack) {
      if (!ack.requested()) {
        return null;
      }
      String id = Long.toString(ids.incrementAndGet());
      acks.put(id, ack);
      return id;
    }
  }

  private static State state(SocketIoClient client) {
    return (State) ((SocketImpl) client).bridge;
  }

  /** Opens the chat connection first, so that the chat's connect hook decides the Socket.IO connect. */
  @Override
  public void authorize(dev.parley.chat.socketio.SocketIoHandshake handshake, NamespaceImpl.Decided done) {
    State st = new State();
    st.pending = done;
    st.session = chat.open(new Connection(handshake.http().withAuth(handshake.auth()), st));
    if (st.closeRequested) {
      st.session.closed(); // refused inside open() (a direct hook executor)
    }
  }

  @Override
  public void connected(SocketImpl socket, Object state) {
    State st = (State) state;
    socket.bridge = st;
    java.util.List<ServerEvent> early;
    boolean closeEarly;
    synchronized (st) {
      st.socket = socket;
      early = java.util.List.copyOf(st.early);
      st.early.clear();
      closeEarly = st.closeEarly;
    }
    Connection connection = st.connection;
    early.forEach(connection::send);
    if (closeEarly) {
      socket.disconnect();
    }
  }

  @Override
  public void abandoned(Object state) {
    ((State) state).session.closed();
  }

  @Override
  public void disconnected(SocketImpl socket, String reason) {
    State st = (State) socket.bridge;
    if (st != null && st.session != null) {
      st.session.closed();
    }
  }

  private static Map<?, ?> map(List<Object> args) {
    return !args.isEmpty() && args.get(0) instanceof Map<?, ?> m ? m : Map.of();
  }

  private static String text(Map<?, ?> data, String name, String alternative) {
    Object v = data.get(name);
    if (v == null) {
      v = data.get(alternative);
    }
    return v == null ? null : String.valueOf(v);
  }

  private static Map<String, Object> error(String code, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("error", true);
    e.put("code", code);
    e.put("msg", message);
    return e;
  }

  /** Answers a request: in its acknowledgement if it asked for one, else on the message event. */
  private void reply(SocketImpl socket, State st, String requestId, Object payload) {
    Ack ack = requestId == null ? null : st.acks.remove(requestId);
    if (ack != null) {
      ack.send(payload);
    } else if (payload instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("error"))) {
      socket.emit(events.messageEvent(), payload);
    }
  }

  private Map<String, Object> payload(ChatMessage m) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", m.id());
    p.put("time", m.time().toEpochMilli());
    if (m.room() != null) {
      p.put("room", m.room());
    }
    p.put("type", m.kind() == MessageKind.ROOM ? events.genericType()
        : m.kind() == MessageKind.PRIVATE ? events.privateType() : events.noticeType());
    if (m.sender() != null) {
      p.put("username", m.sender());
    }
    p.put("message", m.text());
    if (m.recipient() != null) {
      p.put("target", m.recipient());
    }
    if (!m.data().isEmpty()) {
      p.put("data", m.data());
    }
    return p;
  }

  /** Shared events (messages, presence, clears) are encoded once per fan-out. */
  private List<EngineFrame> shared(ServerEvent event, String name, Object payload) {
    Object[] last = lastEncoded.get();
    if (last[0] == event) {
      @SuppressWarnings("unchecked")
      List<EngineFrame> frames = (List<EngineFrame>) last[1];
      return frames;
    }
    List<EngineFrame> frames = SocketIoRuntime.encodeEvent(namespace, -1, name, new Object[] {payload});
    last[0] = event;
    last[1] = frames;
    return frames;
  }

  private final class Connection implements ClientConnection {
    private final Handshake handshake;
    private final State st;

    Connection(Handshake handshake, State st) {
      this.handshake = handshake;
      this.st = st;
      st.connection = this;
    }

    @Override
    public Handshake handshake() {
      return handshake;
    }

    /** Before the socket exists the chat server only accepts (welcome) or refuses (error, close). */
    private boolean whileConnecting(ServerEvent event) {
      NamespaceImpl.Decided done = st.pending;
      if (event instanceof ServerEvent.Welcome && done != null) {
        st.pending = null;
        done.decided(dev.parley.chat.socketio.ConnectDecision.accept(), st);
      } else if (event instanceof ServerEvent.Error e) {
        st.refusal = e.message();
      }
      return true;
    }

    @Override
    public boolean send(ServerEvent event) {
      SocketImpl socket = st.socket;
      if (socket == null) {
        synchronized (st) {
          socket = st.socket;
          if (socket == null) {
            if (st.pending == null && !(event instanceof ServerEvent.Welcome)) {
              st.early.add(event); // accepted, socket not registered yet
              return true;
            }
            return whileConnecting(event);
          }
        }
      }
      if (!socket.connected()) {
        return false;
      }
      if (event instanceof ServerEvent.Message m) {
        socket.send(shared(event, events.messageEvent(), payload(m.message())));
      } else if (event instanceof ServerEvent.Presence p) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("room", p.room());
        payload.put("username", p.user());
        payload.put("state", p.joined() ? "joined" : "left");
        socket.send(shared(event, events.presenceEvent(), payload));
      } else if (event instanceof ServerEvent.HistoryCleared c) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("room", c.room());
        payload.put("by", c.by());
        socket.send(shared(event, events.clearedEvent(), payload));
      } else if (event instanceof ServerEvent.Joined j) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("room", j.room());
        payload.put("username", j.user());
        payload.put("members", j.members());
        payload.put("history", j.history().stream().map(ChatBridge.this::payload).toList());
        reply(socket, st, j.requestId(), payload);
      } else if (event instanceof ServerEvent.Left l) {
        reply(socket, st, l.requestId(), Map.of("room", l.room()));
      } else if (event instanceof ServerEvent.Members mem) {
        reply(socket, st, mem.requestId(), Map.of("room", mem.room(), "members", mem.members()));
      } else if (event instanceof ServerEvent.Ack a) {
        reply(socket, st, a.requestId(), a.message() == null ? null : payload(a.message()));
      } else if (event instanceof ServerEvent.Error e) {
        reply(socket, st, e.requestId(), error(e.code(), e.message()));
      }
      return true;
    }

    @Override
    public void close(int code, String reason) {
      NamespaceImpl.Decided done = st.pending;
      if (done != null) {
        st.pending = null;
        String message = st.refusal != null ? st.refusal : reason;
        done.decided(dev.parley.chat.socketio.ConnectDecision.reject(message), st);
        st.closeRequested = true;
        ClientSession session = st.session;
        if (session != null) {
          session.closed();
        }
        return;
      }
      SocketImpl socket;
      synchronized (st) {
        socket = st.socket;
        if (socket == null) {
          st.closeEarly = true;
          return;
        }
      }
      socket.disconnect();
    }
  }
}
