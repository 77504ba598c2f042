package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.RandomIds;
import dev.parley.chat.netty.internal.CloseReason;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.TransportLink;
import java.util.Set;

/**
 * A {@link ChatServer} on a Socket.IO namespace: each socket is a chat connection; events become
 * chat requests and server events become emits, as {@link ChatEvents} names them. Acknowledgements
 * take the place of the JSON protocol's request ids.
 *
 * <p>This class is the connect-decision plumbing: the chat connection is opened when the client
 * asks to connect, so that the chat server's connect hook decides the Socket.IO CONNECT, and the
 * socket is tied to it once it exists. The jobs around it are apart: {@link ChatRequests} decodes
 * events into requests, {@link ChatEmits} encodes events into emits, {@link ChatConnection} routes
 * what the chat server sends, by the {@link Correlations} of the requests it answers, {@link
 * EarlyEvents} holds what comes before the socket exists, and {@link ChatRecovery} is connection
 * state recovery. Thread-safe.
 */
public final class ChatBridge implements NamespaceImpl.Listener {
  private final ChatServer chat;
  /** The events a client sends: each is a chat request. */
  private final Set<String> requestEvents;
  private final ChatEmits emits;
  /** {@code null} when connection state recovery is off. */
  private final ChatRecovery recovery;

  private ChatBridge(ChatServer chat, ChatEvents events, ChatRequests requests, NamespaceImpl ns,
      TransportLink sessions) {
    this.chat = chat;
    this.requestEvents = requests.names();
    this.emits = new ChatEmits(events, ns.name(), sessions != null);
    this.recovery = sessions == null ? null : new ChatRecovery(sessions, ns.runtime(), ns.name(), chat.config());
  }

  /** Serves {@code chat} on the namespace. */
  public static void install(ChatServer chat, ChatEvents events, NamespaceImpl ns) {
    TransportLink sessions = ns.runtime().config().recoversConnectionState() ? ns.runtime().link() : null;
    ChatRequests requests = new ChatRequests(events);
    ns.listener(new ChatBridge(chat, events, requests, ns, sessions));
    requests.install(ns);
  }

  /** A chat event with a number out of range: refused as the JSON protocol refuses it, in order. */
  @Override
  public boolean refused(SocketImpl socket, String event, Ack ack, String message) {
    if (!requestEvents.contains(event)) {
      return false;
    }
    ChatSocket st = (ChatSocket) socket.bridge;
    st.session.receive(new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.BAD_REQUEST, message));
    return true;
  }

  /**
   * An event nobody handles, sent with an acknowledgement: answered as the JSON protocol answers an
   * unknown type, in order with the socket's requests and counted against its rate limit, so that a
   * client waiting for the acknowledgement is not left waiting.
   */
  @Override
  public void unknown(SocketImpl socket, String event, Ack ack) {
    ChatSocket st = (ChatSocket) socket.bridge;
    String name = event.length() <= 40 ? event : event.substring(0, 40) + "…";
    st.session.receive(new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.UNKNOWN_TYPE, "Unknown event '" + name + "'"));
  }

  /** Opens the chat connection first, so that the chat's connect hook decides the Socket.IO connect. */
  @Override
  public void authorize(Handshake handshake, NamespaceImpl.Decided done) {
    ChatSocket st = new ChatSocket();
    st.pending = done;
    if (recovery != null) {
      st.pid = RandomIds.next();
      if (handshake.auth().get("pid") instanceof String pid) {
        String offset = handshake.auth().get("offset") instanceof String o ? o : null;
        recovery.take(pid, offset, (saved, o) -> open(st, handshake, saved, o));
        return;
      }
    }
    open(st, handshake, null, null);
  }

  @Override
  public void sessionTaken(String pid) {
    if (recovery != null) {
      recovery.supersede(pid);
    }
  }

  private void open(ChatSocket st, Handshake handshake, SessionState saved, String offset) {
    if (saved != null) {
      st.attempt = new ChatRecovery.Attempt(saved, offset);
    }
    st.session = chat.open(new ChatConnection(handshake, st, emits, recovery, chat));
    if (st.attempt != null && st.attempt.untilStart.decrementAndGet() == 0) {
      recovery.recover(st);
    }
    if (st.closeRequested) {
      st.session.closed(); // refused inside open() (a direct hook executor)
    }
  }

  @Override
  public NamespaceImpl.Ids ids(Object state) {
    ChatSocket st = (ChatSocket) state;
    if (st.pid == null) {
      return null;
    }
    if (st.recovered) {
      return new NamespaceImpl.Ids(st.attempt.saved.sid(), st.attempt.saved.pid());
    }
    return new NamespaceImpl.Ids(null, st.pid);
  }

  @Override
  public void connected(SocketImpl socket, Object state) {
    ChatSocket st = (ChatSocket) state;
    socket.bridge = st;
    if (st.recovered) {
      recovery.restore(st);
    }
    ChatConnection connection = st.connection;
    int closeEarly = st.early.publish(socket, connection::deliver);
    if (recovery != null && socket.pid() != null) {
      recovery.keep(socket, st);
    }
    if (closeEarly != 0) {
      ChatConnection.end(socket, closeEarly);
    }
  }

  @Override
  public void abandoned(Object state) {
    ((ChatSocket) state).session.closed();
  }

  @Override
  public void disconnected(SocketImpl socket, CloseReason reason) {
    ChatSocket st = (ChatSocket) socket.bridge;
    if (st == null || st.session == null) {
      return;
    }
    if (recovery != null) {
      recovery.disconnected(socket, st, reason);
    }
    st.session.closed();
  }
}
