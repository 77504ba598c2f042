package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.ErrorCodes;
import dev.parley.chat.ModerationAction;
import dev.parley.chat.netty.internal.Moderations;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.socketio.EventHook;
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
        events.privateEvent(), events.historyEvent(), events.membersEvent(), events.clearEvent(), events.typingEvent(),
        events.moderateEvent(), events.readEvent(), events.editEvent(), events.deleteEvent()));
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
    on(ns, events.membersEvent(), (st, args, ack) ->
        st.session.receive(new ClientRequest.Members(st.ackId(ack), room(args))));
    on(ns, events.clearEvent(), (st, args, ack) ->
        st.session.receive(new ClientRequest.ClearHistory(st.ackId(ack), room(args))));
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
    on(ns, events.moderateEvent(), (st, args, ack) -> st.session.receive(moderate(st, args, ack)));
    on(ns, events.readEvent(), (st, args, ack) -> {
      Map<?, ?> data = map(args);
      String from = text(data, "from", "target");
      if (from != null && from.startsWith("@")) {
        from = from.substring(1);
      }
      st.session.receive(new ClientRequest.Read(st.ackId(ack), text(data, "room", "roomname"), from,
          text(data, "through", "id")));
    });
    on(ns, events.editEvent(), (st, args, ack) -> st.session.receive(change(st, args, ack, true)));
    on(ns, events.deleteEvent(), (st, args, ack) -> st.session.receive(change(st, args, ack, false)));
    on(ns, events.typingEvent(), (st, args, ack) -> {
      Map<?, ?> data = map(args);
      String target = text(data, "target", "to");
      if (target != null && target.startsWith("@")) {
        target = target.substring(1);
      }
      st.session.receive(new ClientRequest.Typing(st.ackId(ack), text(data, "room", "roomname"), target,
          !Boolean.FALSE.equals(data.get("typing"))));
    });
  }

  /** A room message: the text (to the room joined last) or {@code {room, message, data}}. */
  private static ClientRequest message(ChatSocket st, List<Object> args, Ack ack) {
    Object first = args.isEmpty() ? null : args.get(0);
    String room = st.lastRoom;
    String text;
    Object data = null;
    if (first instanceof Map<?, ?> m) {
      String r = text(m, "room", "roomname");
      room = r == null ? room : r;
      text = text(m, "message", "text");
      data = m.get("data");
    } else {
      text = first == null ? null : String.valueOf(first);
    }
    String bad = badData(data);
    if (bad != null) {
      return new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.BAD_REQUEST, bad);
    }
    return new ClientRequest.Send(st.ownId(ack), orEmpty(room), orEmpty(text), data(data));
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
    Object data = null;
    if (first instanceof Map<?, ?> m) {
      to = text(m, "target", "to");
      text = text(m, "message", "text");
      data = m.get("data");
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
    String bad = badData(data);
    if (bad != null) {
      return new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.BAD_REQUEST, bad);
    }
    return new ClientRequest.SendPrivate(st.ackId(ack), to, text, data(data), st.lastRoom);
  }

  /** A moderation request: {@code {room, username, action, duration?, reason?}}, duration in seconds. */
  private static ClientRequest moderate(ChatSocket st, List<Object> args, Ack ack) {
    Map<?, ?> data = map(args);
    ModerationAction action = Moderations.action(text(data, "action", "action"));
    if (action == null) {
      return new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.BAD_REQUEST, Moderations.ACTIONS);
    }
    Object seconds = data.get("duration");
    if (seconds != null && !(seconds instanceof Number)) {
      return new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.BAD_REQUEST, "Field 'duration' must be a number of seconds");
    }
    return new ClientRequest.Moderate(st.ackId(ack), orEmpty(text(data, "room", "roomname")),
        text(data, "username", "user"), action, Moderations.duration((Number) seconds), text(data, "reason", "reason"));
  }

  /**
   * An edit, {@code {room, id, message, data}} or {@code {target, id, message, data}}, or a deletion,
   * {@code {room, id}} or {@code {target, id}}.
   */
  private static ClientRequest change(ChatSocket st, List<Object> args, Ack ack, boolean edit) {
    Map<?, ?> m = map(args);
    String to = text(m, "target", "to");
    if (to != null && to.startsWith("@")) {
      to = to.substring(1);
    }
    String room = text(m, "room", "roomname");
    String id = text(m, "id", "messageId");
    if (!edit) {
      return new ClientRequest.Delete(st.ackId(ack), room, to, id);
    }
    Object data = m.get("data");
    String bad = badData(data);
    if (bad != null) {
      return new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.BAD_REQUEST, bad);
    }
    String text = text(m, "message", "text");
    if (text == null) {
      return new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.BAD_REQUEST, "Field 'message' is required");
    }
    return new ClientRequest.Edit(st.ackId(ack), room, to, id, text, data(data));
  }

  /**
   * Why a message's {@code data} cannot be taken, as the JSON protocol says it; {@code null} if it
   * can. Numbers were checked when the packet was decoded; binary (which Socket.IO allows anywhere)
   * is no JSON value, and no history store or cluster could keep it.
   */
  private static String badData(Object data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof Map<?, ?>)) {
      return "Field 'data' must be an object";
    }
    String binary = binaryAt(data, "data");
    return binary == null ? null : "Field '" + binary + "' is binary; message data is JSON only";
  }

  /** The path of the first binary value inside {@code value}, or {@code null}. */
  private static String binaryAt(Object value, String path) {
    if (value instanceof byte[]) {
      return path;
    }
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String found = binaryAt(e.getValue(), path + "." + e.getKey());
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        String found = binaryAt(l.get(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** A checked {@code data}: an object whose keys JSON made strings, or {@code null} for none. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> data(Object data) {
    return (Map<String, Object>) data;
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
    EventHook h = (SocketIoClient client, List<Object> args, Ack ack) -> handler.onEvent(state(client), args, ack);
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
