package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.ErrorCodes;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.socketio.EventHandler;
import dev.parley.chat.socketio.SocketIoClient;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.PrivatePrefix;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the chat namespace's events into chat requests, as {@link ChatEvents} names them, and
 * hands them to the socket's chat session. The handlers run on the I/O thread and never block: the
 * session queues the request. Stateless apart from the names; thread-safe.
 */
final class ChatRequests {
  /** As the JSON protocol's history request. */
  private static final int DEFAULT_HISTORY_PAGE = 50;

  private final ChatEvents events;

  ChatRequests(ChatEvents events) {
    this.events = events;
  }

  /** The events a client sends: each is a chat request. */
  Set<String> names() {
    return Set.copyOf(List.of(events.joinEvent(), events.leaveEvent(), events.messageEvent(),
        events.privateEvent(), events.historyEvent()));
  }

  /** Registers a handler for each request event on the namespace. */
  void install(NamespaceImpl ns) {
    on(ns, events.joinEvent(), (st, args, ack) -> {
      Map<?, ?> data = map(args);
      String room = text(data, "roomname", "room");
      st.lastRoom = room;
      st.session.receive(new ClientRequest.Join(st.ackId(ack), orEmpty(room), text(data, "username", "user")));
    });
    on(ns, events.leaveEvent(), (st, args, ack) ->
        st.session.receive(new ClientRequest.Leave(st.ackId(ack), room(args))));
    on(ns, events.messageEvent(), (st, args, ack) -> st.session.receive(message(st, args, ack)));
    on(ns, events.historyEvent(), (st, args, ack) -> {
      Map<?, ?> data = map(args);
      String room = text(data, "room", "roomname");
      String before = text(data, "before", "before");
      int limit = data.get("limit") instanceof Number n ? (int) Math.max(1, Math.min(n.longValue(), Integer.MAX_VALUE))
          : DEFAULT_HISTORY_PAGE;
      st.session.receive(new ClientRequest.History(st.ackId(ack), orEmpty(room), before, limit));
    });
    on(ns, events.privateEvent(), (st, args, ack) -> st.session.receive(privateMessage(st, args, ack)));
  }

  /** A room message: the text (to the room joined last) or {@code {room, message}}. */
  private static ClientRequest message(ChatSocket st, List<Object> args, Ack ack) {
    Object first = args.isEmpty() ? null : args.get(0);
    String room = st.lastRoom;
    String text;
    if (first instanceof Map<?, ?> m) {
      String r = text(m, "room", "roomname");
      room = r == null ? room : r;
      text = text(m, "message", "text");
    } else {
      text = first == null ? null : String.valueOf(first);
    }
    return new ClientRequest.Send(st.ownId(ack), orEmpty(room), orEmpty(text), null);
  }

  /**
   * A private message, {@code "@name text"} (read as the chat server reads it in a room) or {@code
   * {target, message}}. As the rooms seed, it is sent from the room the client joined last, and
   * carries that room.
   */
  private static ClientRequest privateMessage(ChatSocket st, List<Object> args, Ack ack) {
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
      PrivatePrefix pm = PrivatePrefix.parse(String.valueOf(first)).orElse(null);
      if (pm != null) {
        to = pm.to();
        text = pm.text();
      }
    }
    if (to == null || text == null) {
      return new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.BAD_REQUEST, "Private messages are \"@name text\"");
    }
    return new ClientRequest.SendPrivate(st.ackId(ack), to, text, null, st.lastRoom);
  }

  /** The room a request names: the room name itself, or {@code {room}} ({@code roomname} also accepted). */
  private static String room(List<Object> args) {
    String room = args.isEmpty() ? null : args.get(0) instanceof String s ? s : text(map(args), "roomname", "room");
    return orEmpty(room);
  }

  /** A request event's handler, given the socket's chat state. */
  @FunctionalInterface
  private interface RequestHandler {
    void onEvent(ChatSocket st, List<Object> args, Ack ack);
  }

  private static void on(NamespaceImpl ns, String event, RequestHandler handler) {
    EventHandler h = (SocketIoClient client, List<Object> args, Ack ack) -> handler.onEvent(state(client), args, ack);
    ns.onInline(event, h);
  }

  static ChatSocket state(SocketIoClient client) {
    return (ChatSocket) ((SocketImpl) client).bridge;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
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
}
