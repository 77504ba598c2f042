package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.netty.internal.EngineFrame;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How chat events look to a Socket.IO client: the payloads of {@link ChatEvents}' events and
 * acknowledgements, and the encoded packets of the events many sockets share. Thread-safe.
 */
final class ChatEmits {
  private final ChatEvents events;
  private final String namespace;
  /** Whether room messages carry their id as the recovery offset. */
  private final boolean offsets;
  /**
   * The key under which a {@link SharedEvent} keeps this namespace's packets of a shared event
   * (message, presence, clear), so that a fan-out encodes them once for all its recipients.
   */
  private final SharedEvent.Encoding<List<EngineFrame>> packets = this::packets;

  ChatEmits(ChatEvents events, String namespace, boolean offsets) {
    this.events = events;
    this.namespace = namespace;
    this.offsets = offsets;
  }

  ChatEvents events() {
    return events;
  }

  /** A message as {@code new message} carries it. */
  Map<String, Object> payload(ChatMessage m) {
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
    if (m.edited() != null) {
      p.put("edited", m.edited().toEpochMilli());
    }
    if (m.deleted()) {
      p.put("deleted", true);
    }
    if (m.revision() != null) {
      p.put("revision", m.revision());
    }
    return p;
  }

  /**
   * The offset a client hands back to recover: the id of a room's message. Private messages and
   * notices outside rooms have none (the client keeps its last offset), as they are recovered from
   * the user's inbox, not from rooms.
   */
  String offset(ChatMessage m) {
    // A change's place in the room's order is its revision: recovery resumes after it.
    return offsets && m.room() != null && m.kind() != MessageKind.PRIVATE
        ? (m.revision() != null ? m.revision() : m.id()) : null;
  }

  /** A refusal, as the rooms seed answers one. */
  static Map<String, Object> error(String code, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("error", true);
    e.put("code", code);
    e.put("msg", message);
    return e;
  }

  /**
   * The packets of an event many sockets are sent: a {@code new message} (with its offset if it has
   * one), a {@code presence}, a {@code history cleared} or a {@code typing}; encoded once for the whole fan-out when
   * {@code shared} carries it, else for this socket alone.
   *
   * @param shared the fan-out's event, or {@code null} for an event sent to one socket
   */
  List<EngineFrame> packets(ServerEvent event, SharedEvent shared) {
    return shared != null ? shared.encoded(packets) : packets(event);
  }

  private List<EngineFrame> packets(ServerEvent event) {
    Object[] args;
    String name;
    if (event instanceof ServerEvent.Message m) {
      name = events.messageEvent();
      String offset = offset(m.message());
      Map<String, Object> payload = payload(m.message());
      args = offset == null ? new Object[] {payload} : new Object[] {payload, offset};
    } else if (event instanceof ServerEvent.MessageChanged c) {
      name = c.message().deleted() ? events.deletedEvent() : events.editedEvent();
      String offset = offset(c.message());
      Map<String, Object> payload = payload(c.message());
      args = offset == null ? new Object[] {payload} : new Object[] {payload, offset};
    } else if (event instanceof ServerEvent.Presence p) {
      name = events.presenceEvent();
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("room", p.room());
      payload.put("username", p.user());
      payload.put("state", p.joined() ? "joined" : "left");
      args = new Object[] {payload};
    } else if (event instanceof ServerEvent.HistoryCleared c) {
      name = events.clearedEvent();
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("room", c.room());
      payload.put("by", c.by());
      args = new Object[] {payload};
    } else if (event instanceof ServerEvent.Typing t) {
      name = events.typingEvent();
      Map<String, Object> payload = new LinkedHashMap<>();
      if (t.room() != null) {
        payload.put("room", t.room());
      }
      payload.put("username", t.user());
      if (t.to() != null) {
        payload.put("target", t.to());
      }
      payload.put("typing", t.typing());
      payload.put("expiresIn", t.expiresInMillis());
      args = new Object[] {payload};
    } else if (event instanceof ServerEvent.Read r) {
      name = events.readEvent();
      Map<String, Object> payload = new LinkedHashMap<>();
      if (r.room() != null) {
        payload.put("room", r.room());
      }
      payload.put("username", r.user());
      if (r.to() != null) {
        payload.put("target", r.to());
      }
      payload.put("through", r.throughId());
      args = new Object[] {payload};
    } else if (event instanceof ServerEvent.Delivered d) {
      name = events.deliveredEvent();
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("messageId", d.messageId());
      payload.put("target", d.to());
      payload.put("connection", d.connection());
      args = new Object[] {payload};
    } else {
      throw new IllegalArgumentException("not an event for many sockets: " + event);
    }
    return SocketIoRuntime.encodeEvent(namespace, -1, name, args);
  }

  List<EngineFrame> kicked(ServerEvent.Kicked k) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("room", k.room());
    payload.put("reason", k.reason());
    payload.put("banned", k.banned());
    if (k.bannedUntil() != null) {
      payload.put("until", k.bannedUntil().toEpochMilli());
    }
    return SocketIoRuntime.encodeEvent(namespace, -1, events.kickedEvent(), new Object[] {payload});
  }

  List<EngineFrame> muted(ServerEvent.Muted m) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("room", m.room());
    payload.put("until", m.until() == null ? null : m.until().toEpochMilli());
    payload.put("reason", m.reason());
    return SocketIoRuntime.encodeEvent(namespace, -1, events.mutedEvent(), new Object[] {payload});
  }

  /** The acknowledgement of a moderator's list: {@code {room, restrictions: [{kind, username, until, reason}]}}. */
  static Map<String, Object> restrictions(ServerEvent.Restrictions r) {
    List<Map<String, Object>> kept = new ArrayList<>();
    for (dev.parley.chat.history.Restriction restriction : r.restrictions()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("kind", dev.parley.chat.netty.internal.Moderations.kind(restriction.kind()));
      one.put("username", restriction.user());
      one.put("until", restriction.until() == null ? null : restriction.until().toEpochMilli());
      one.put("reason", restriction.reason());
      kept.add(one);
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("room", r.room());
    payload.put("restrictions", kept);
    return payload;
  }

  Map<String, Object> joined(ServerEvent.Joined j) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("room", j.room());
    payload.put("username", j.user());
    payload.put("members", j.members());
    payload.put("history", payloads(j.history()));
    if (j.lastRead() != null) {
      payload.put("lastRead", j.lastRead());
    }
    payload.put("unread", j.unread());
    return payload;
  }

  Map<String, Object> history(ServerEvent.History h) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("room", h.room());
    payload.put("messages", payloads(h.messages()));
    return payload;
  }

  /**
   * Messages as {@code new message} carries them. A loop, not a stream: every join's
   * acknowledgement has a history, most often empty, and a stream pipeline was code the JIT compiled
   * for the first connections.
   */
  private List<Map<String, Object>> payloads(List<ChatMessage> messages) {
    List<Map<String, Object>> payloads = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      payloads.add(payload(m));
    }
    return Collections.unmodifiableList(payloads);
  }
}
