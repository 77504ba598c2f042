package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.CloseReason;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.Handshake;
import dev.parley.chat.MessageKind;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chat server's view of one chat socket: what it sends becomes what the Socket.IO client gets.
 * Before the socket exists it only accepts (welcome) or refuses (error, close) the CONNECT, and what
 * else it sends waits in {@link EarlyEvents}; then each event is an emit, or the answer to the
 * request that asked for it, found by its {@link Correlation}. Thread-safe, never blocks.
 */
final class ChatConnection implements ClientConnection {
  private final Handshake handshake;
  private final ChatSocket st;
  private final ChatEmits emits;
  /** {@code null} when recovery is off. */
  private final ChatRecovery recovery;
  private final ChatServer chat;
  private final ChatConfig config;

  ChatConnection(Handshake handshake, ChatSocket st, ChatEmits emits, ChatRecovery recovery, ChatServer chat) {
    this.handshake = handshake;
    this.st = st;
    this.emits = emits;
    this.recovery = recovery;
    this.chat = chat;
    this.config = chat.config();
    st.connection = this;
  }

  @Override
  public Handshake handshake() {
    return handshake;
  }

  /** A recovering socket continues the chat connection its kept state names, and takes its name. */
  @Override
  public String continues() {
    ChatRecovery.Attempt a = st.attempt;
    return a == null ? null : a.saved.connectionId();
  }

  /** Events a connection being accepted or recovered may hold before its socket exists. */
  private int earlyLimit() {
    return config.maxRecoveredMessages() * config.maxRoomsPerConnection() + 1024;
  }

  @Override
  public boolean send(ServerEvent event) {
    return send(event, null);
  }

  /** A fan-out's event: its packets are encoded once, by the first socket sent it, for the others. */
  @Override
  public boolean send(SharedEvent shared) {
    return send(shared.event(), shared);
  }

  private boolean send(ServerEvent event, SharedEvent shared) {
    SocketImpl socket = st.early.socket();
    if (socket == null) {
      if (event instanceof ServerEvent.Welcome || (st.pending != null && event instanceof ServerEvent.Error)) {
        whileConnecting(event);
        return true;
      }
      // Accepted, or being accepted: a private message to a name the connect hook gave may come
      // before the welcome. Either way it waits for the socket, within a bound: a recovery brings
      // at most maxRecoveredMessages per room, and live traffic meanwhile.
      switch (st.early.hold(event, earlyLimit())) {
        case FULL -> {
          return false; // refused like a full outbound queue; the connect timeout ends the attempt
        }
        case HELD -> {
          if (ChatRecovery.answered(st, event)) {
            recovery.finish(st);
          }
          return true;
        }
        case OPEN -> socket = st.early.socket();
      }
    }
    return deliver(socket, event, shared);
  }

  /** Before the socket exists the chat server only accepts (welcome) or refuses (error, close). */
  private void whileConnecting(ServerEvent event) {
    NamespaceImpl.Decided done = st.pending;
    if (event instanceof ServerEvent.Welcome w && done != null) {
      st.pending = null;
      st.user = w.user();
      st.connectionId = w.connectionId();
      st.data = chat.connectionData(w.connectionId()).orElse(null);
      if (st.attempt != null) {
        if (ChatRecovery.welcomed(st, done)) {
          recovery.recover(st);
        }
        return;
      }
      done.decided(ConnectDecision.accept(), st);
    } else if (event instanceof ServerEvent.Error e) {
      st.refusal = e.message();
      st.refusalCode = e.code();
      st.refusalData = e.data();
    }
  }

  /** Turns a chat event held before the socket existed into what the Socket.IO client gets. */
  boolean deliver(SocketImpl socket, ServerEvent event) {
    return deliver(socket, event, null);
  }

  /**
   * Turns a chat event into what the Socket.IO client gets.
   *
   * @param shared the fan-out that carries {@code event}, or {@code null} if it is for this socket alone
   */
  private boolean deliver(SocketImpl socket, ServerEvent event, SharedEvent shared) {
    if (!socket.connected()) {
      return false;
    }
    if (event instanceof ServerEvent.Message m) {
      if (!isAbandoned(m.message().kind() != MessageKind.PRIVATE ? m.message().room() : null)) {
        socket.send(emits.packets(m, shared));
      }
    } else if (event instanceof ServerEvent.MessageChanged c) {
      if (!isAbandoned(c.message().kind() != MessageKind.PRIVATE ? c.message().room() : null)) {
        socket.send(emits.packets(c, shared));
      }
    } else if (event instanceof ServerEvent.Presence p) {
      if (!isAbandoned(p.room())) {
        socket.send(emits.packets(p, shared));
      }
    } else if (event instanceof ServerEvent.HistoryCleared c) {
      if (!isAbandoned(c.room())) {
        socket.send(emits.packets(c, shared));
      }
    } else if (event instanceof ServerEvent.Typing t) {
      if (!isAbandoned(t.room())) {
        socket.send(emits.packets(t, shared));
      }
    } else if (event instanceof ServerEvent.Read r) {
      if (!isAbandoned(r.room())) {
        socket.send(emits.packets(r, shared));
      }
    } else if (event instanceof ServerEvent.Delivered) {
      socket.send(emits.packets(event, shared));
    } else if (event instanceof ServerEvent.Joined j) {
      joined(socket, j, st.correlations.take(j.requestId()));
    } else if (event instanceof ServerEvent.Left l) {
      if (!st.abandoned.contains(l.room())) {
        st.floors.remove(l.room());
        st.changed();
        socket.leave(l.room());
      }
      reply(socket, st.correlations.take(l.requestId()), Map.of("room", l.room()));
    } else if (event instanceof ServerEvent.Kicked k) {
      // Out of the room as by a leave, but told why, with an event rather than an acknowledgement.
      if (!st.abandoned.contains(k.room())) {
        st.floors.remove(k.room());
        st.changed();
        socket.leave(k.room());
      }
      socket.send(emits.kicked(k));
    } else if (event instanceof ServerEvent.Muted m) {
      socket.send(emits.muted(m));
    } else if (event instanceof ServerEvent.Moderated m) {
      reply(socket, st.correlations.take(m.requestId()), Map.of("room", m.room(), "username", m.user(),
          "action", m.action().name().toLowerCase(java.util.Locale.ROOT)));
    } else if (event instanceof ServerEvent.Restrictions r) {
      reply(socket, st.correlations.take(r.requestId()), ChatEmits.restrictions(r));
    } else if (event instanceof ServerEvent.Cleared c) {
      reply(socket, st.correlations.take(c.requestId()), Map.of("room", c.room()));
    } else if (event instanceof ServerEvent.History h) {
      reply(socket, st.correlations.take(h.requestId()), emits.history(h));
    } else if (event instanceof ServerEvent.Members mem) {
      reply(socket, st.correlations.take(mem.requestId()), Map.of("room", mem.room(), "members", mem.members()));
    } else if (event instanceof ServerEvent.Ack a) {
      acknowledged(socket, a, st.correlations.take(a.requestId()));
    } else if (event instanceof ServerEvent.Error e) {
      Correlation why = st.correlations.take(e.requestId());
      if (!(why instanceof Correlation.RecoveryJoin || why instanceof Correlation.AbandonLeave)) {
        // A failed recovery is told to the client by a new socket id, not by its joins' errors.
        reply(socket, why, ChatEmits.error(e.code(), e.message()));
      }
    }
    return true;
  }

  private void joined(SocketImpl socket, ServerEvent.Joined j, Correlation why) {
    if (why instanceof Correlation.RecoveryJoin) {
      if (!isAbandoned(j.room())) {
        socket.join(j.room());
        recovery.replay(socket, st, j, emits);
      }
      return;
    }
    // Every chat room is a Socket.IO room: server code reaches its members with to(room).emit.
    socket.join(j.room());
    st.user = j.user();
    st.unabandon(j.room());
    st.floors.put(j.room(), j.history().isEmpty() ? st.floors.get(j.room()) : last(j.history()).id());
    st.changed();
    reply(socket, why, emits.joined(j));
  }

  private void acknowledged(SocketImpl socket, ServerEvent.Ack a, Correlation why) {
    Object answer = a.message() == null ? null : emits.payload(a.message());
    if (st.pid != null && a.message() != null && emits.offset(a.message()) != null) {
      st.sent(a.message(), config);
      // Acknowledged only once the kept state says the message is the client's own: a node that
      // dies after the ack leaves a state from which a recovery never replays it to her.
      st.changed().whenComplete((kept, e) -> reply(socket, why, answer));
    } else {
      reply(socket, why, answer);
    }
  }

  /** Traffic of a room a failed recovery rejoined, from before the client joined it again. */
  private boolean isAbandoned(String room) {
    Set<String> abandoned = st.abandoned;
    return room != null && !abandoned.isEmpty() && abandoned.contains(room);
  }

  /** Answers a request: in its acknowledgement if it asked for one, else an error on the message event. */
  private void reply(SocketImpl socket, Correlation why, Object payload) {
    if (why instanceof Correlation.ClientAck asked) {
      asked.ack().send(payload);
    } else if (payload instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("error"))) {
      socket.emit(emits.events().messageEvent(), payload);
    }
  }

  private static ChatMessage last(List<ChatMessage> messages) {
    return messages.get(messages.size() - 1);
  }

  @Override
  public void close(int code, String reason) {
    NamespaceImpl.Decided done = st.pending;
    if (done != null) {
      st.pending = null;
      String message = st.refusal != null ? st.refusal : reason;
      String refusalCode = st.refusalCode;
      if (recovery != null) {
        recovery.refused(st); // the chat's connect hook refused: a retry may still recover
      }
      // The hook's own data if it gave some, else the error code, as err.data.
      Object data = st.refusalData != null ? st.refusalData : refusalCode == null ? null : Map.of("code", refusalCode);
      done.decided(ConnectDecision.reject(message, data), st);
      st.closeRequested = true;
      ClientSession session = st.session;
      if (session != null) {
        session.closed();
      }
      return;
    }
    SocketImpl socket = st.early.closeWhenOpen(code);
    if (socket != null) {
      end(socket, code);
    }
  }

  /**
   * Ends a socket the chat server closed. A close as going away (this node left the cluster, a room
   * must be reloaded) asks the client to come back, which a Socket.IO DISCONNECT would not do: a
   * stock client stays away after "io server disconnect". So that one closes the client's whole
   * connection, as a network failure does; the client reconnects by itself (to this node or
   * another) and recovers if it can. Any other close is a DISCONNECT.
   */
  static void end(SocketImpl socket, int code) {
    if (code == CloseCodes.GOING_AWAY) {
      socket.closeConnection(CloseReason.RECONNECT_REQUESTED);
    } else {
      socket.disconnect();
    }
  }
}
