package dev.parley.chat.socketio;

import java.util.Objects;

/**
 * How a {@link dev.parley.chat.ChatServer} appears to Socket.IO clients: the event names and message
 * types, which default to those of the rooms chat seed ({@code join room}, {@code new message},
 * {@code new pm}). Immutable; change with {@link #builder()}.
 *
 * <p>Client to server:
 * <ul>
 *   <li>{@code join room} {@code {roomname, username}}; acknowledged, if asked, with {@code {room,
 *       username, members, history, lastRead, unread}}: {@code lastRead} the id of the newest
 *       message of the room this user read (absent if none), {@code unread} how many messages of
 *       others came after it (at most 1000).
 *   <li>{@code leave room} {@code {roomname}} or the room name; acknowledged with {@code {room}}.
 *   <li>{@code new message} with the text (to the room joined last) or {@code {room, message, data}};
 *       a text starting {@code @name } is private. Acknowledged, if asked, with the message as
 *       delivered.
 *   <li>{@code new pm} with {@code "@name text"} or {@code {target, message, data}}.
 *   <li>{@code members} {@code {room}} or the room name; acknowledged with {@code {room, members}}.
 *   <li>{@code clear history} {@code {room}} or the room name, decided by the chat server's
 *       clear-history hook; acknowledged with {@code {room}}, and every member gets {@code history
 *       cleared}.
 *   <li>{@code history} {@code {room, before, limit}}: a page of the room's older messages, the
 *       newest {@code limit} (default 50, at most 100) with ids below {@code before} (omitted: the
 *       newest of all). Answered in the acknowledgement with {@code {room, messages}}, oldest first,
 *       each as {@code new message} delivers it; to page further back, ask again with the first
 *       one's id as {@code before}. The room must have been joined.
 *   <li>{@code typing} {@code {room, typing}} or {@code {target, typing}} ({@code typing} defaults to
 *       {@code true}; {@code false} says the user stopped): tells the room, or the user {@code
 *       target}, that this user is typing; decided by the chat server's typing hook and limited by
 *       {@code ChatConfig.typingPerSecond}. No acknowledgement on success; a refusal is sent as any.
 *   <li>{@code moderate} {@code {room, username, action, duration, reason}}: {@code action} one of
 *       {@code kick}, {@code mute}, {@code unmute}, {@code ban}, {@code unban}, {@code list}; {@code
 *       duration} in seconds (a mute needs one; a ban without one is permanent). Decided by the chat
 *       server's moderation hook ({@code FORBIDDEN} without one); acknowledged with {@code {room,
 *       username, action}}, or for {@code list} (no {@code username}) with {@code {room,
 *       restrictions}}, the room's bans and mutes that hold now as {@code {kind, username, until,
 *       reason}}.
 *   <li>{@code read} {@code {room, through}} or {@code {from, through}}: this user has read every
 *       message up to {@code through} (a message id) in the room, or of the private conversation
 *       with the user {@code from}. The marker moves forward only; limited by {@code
 *       ChatConfig.readsPerSecond}. No acknowledgement on success; a refusal is sent as any.
 *   <li>{@code edit} {@code {room, id, message, data}} or {@code {target, id, message, data}} ({@code
 *       text} is also accepted for {@code message}): replaces the text and data of the message
 *       {@code id} of that room, or of the private message {@code id} this user sent to {@code
 *       target}. {@code delete} {@code {room, id}} or {@code {target, id}}: deletes it. Only the
 *       sender may, unless the chat server's change hook allows it; acknowledged with the new
 *       version (or tombstone), as {@code new message} delivers a message.
 * </ul>
 * Server to client:
 * <ul>
 *   <li>{@code new message} {@code {id, time, room, type, username, message, target}}: {@code type}
 *       is {@code generic}, {@code private} or {@code notice} (joins, leaves, system messages). With
 *       {@link SocketIoConfig.Builder#connectionStateRecovery connection state recovery} on, a
 *       message of a room has its {@code id} as a second argument too: the offset the client
 *       presents when it reconnects.
 *   <li>{@code presence} {@code {room, username, state: "joined"|"left"}}.
 *   <li>{@code history cleared} {@code {room, by}}.
 *   <li>{@code edited} and {@code deleted}: a message's new version or tombstone, as {@code new
 *       message} delivers a message, with {@code edited} (epoch milliseconds), {@code deleted: true}
 *       for a tombstone, and {@code revision}; with connection state recovery on, a room's change has
 *       its {@code revision} as a second argument: the offset to present when reconnecting.
 *   <li>{@code kicked} {@code {room, reason, banned, until?}}: this socket was taken out of the room.
 *   <li>{@code muted} {@code {room, until, reason}}: this user's messages to the room are refused
 *       until {@code until} (epoch milliseconds); {@code until: null} lifts it.
 *   <li>{@code typing} {@code {room, username, typing, expiresIn}} in a room, or {@code {username,
 *       target, typing, expiresIn}} privately: stop showing a started indicator {@code expiresIn}
 *       milliseconds after it arrived unless another arrives; {@code typing: false} stops it at once.
 *   <li>{@code read} {@code {room, username, through}} in a room (with {@code
 *       ChatConfig.roomReadReceipts}, or the user's own other sockets), or {@code {username, target,
 *       through}} privately: {@code username} has read up to {@code through}.
 *   <li>{@code delivered} {@code {messageId, target, connection}}: a private message this user sent
 *       was handed to one of {@code target}'s connections, named by {@code connection}.
 *   <li>Errors as {@code {error: true, code, msg}}: in the acknowledgement if one was asked for,
 *       else on {@code new message}. An event the namespace has no hook for, sent with an
 *       acknowledgement, is answered with {@code UNKNOWN_TYPE}.
 * </ul>
 */
public final class ChatEvents {
  private static final ChatEvents DEFAULTS = builder().build();

  private final String joinEvent;
  private final String leaveEvent;
  private final String messageEvent;
  private final String privateEvent;
  private final String presenceEvent;
  private final String clearedEvent;
  private final String historyEvent;
  private final String membersEvent;
  private final String clearEvent;
  private final String typingEvent;
  private final String moderateEvent;
  private final String kickedEvent;
  private final String mutedEvent;
  private final String readEvent;
  private final String deliveredEvent;
  private final String editEvent;
  private final String deleteEvent;
  private final String editedEvent;
  private final String deletedEvent;
  private final String genericType;
  private final String privateType;
  private final String noticeType;

  private ChatEvents(Builder b) {
    this.joinEvent = b.joinEvent;
    this.leaveEvent = b.leaveEvent;
    this.messageEvent = b.messageEvent;
    this.privateEvent = b.privateEvent;
    this.presenceEvent = b.presenceEvent;
    this.clearedEvent = b.clearedEvent;
    this.historyEvent = b.historyEvent;
    this.membersEvent = b.membersEvent;
    this.clearEvent = b.clearEvent;
    this.typingEvent = b.typingEvent;
    this.moderateEvent = b.moderateEvent;
    this.kickedEvent = b.kickedEvent;
    this.mutedEvent = b.mutedEvent;
    this.readEvent = b.readEvent;
    this.deliveredEvent = b.deliveredEvent;
    this.editEvent = b.editEvent;
    this.deleteEvent = b.deleteEvent;
    this.editedEvent = b.editedEvent;
    this.deletedEvent = b.deletedEvent;
    this.genericType = b.genericType;
    this.privateType = b.privateType;
    this.noticeType = b.noticeType;
  }

  /** The rooms seed's names. */
  public static ChatEvents defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Event to join a room. */
  public String joinEvent() {
    return joinEvent;
  }

  /** Event to leave a room. */
  public String leaveEvent() {
    return leaveEvent;
  }

  /** Event carrying room messages both ways, and private messages and notices to clients. */
  public String messageEvent() {
    return messageEvent;
  }

  /** Event for a client's private message. */
  public String privateEvent() {
    return privateEvent;
  }

  /** Event telling clients who entered or left. */
  public String presenceEvent() {
    return presenceEvent;
  }

  /** Event telling clients a room's history was cleared. */
  public String clearedEvent() {
    return clearedEvent;
  }

  /** Event asking for a page of a room's older messages. */
  public String historyEvent() {
    return historyEvent;
  }

  /** Event asking who is in a room. */
  public String membersEvent() {
    return membersEvent;
  }

  /** Event of typing indicators, both ways. */
  public String typingEvent() {
    return typingEvent;
  }

  /** Event asking to kick, mute or ban a user, or to lift a mute or a ban. */
  public String moderateEvent() {
    return moderateEvent;
  }

  /** Event telling a socket it was taken out of a room. */
  public String kickedEvent() {
    return kickedEvent;
  }

  /** Event telling a socket its user was muted in a room, or no longer is. */
  public String mutedEvent() {
    return mutedEvent;
  }

  /** Event of read markers and receipts, both ways. */
  public String readEvent() {
    return readEvent;
  }

  /** Event telling the sender of a private message it was handed to one of the recipient's connections. */
  public String deliveredEvent() {
    return deliveredEvent;
  }

  /** Event asking to edit a message. */
  public String editEvent() {
    return editEvent;
  }

  /** Event asking to delete a message. */
  public String deleteEvent() {
    return deleteEvent;
  }

  /** Event telling that a message was edited: its new version. */
  public String editedEvent() {
    return editedEvent;
  }

  /** Event telling that a message was deleted: its tombstone. */
  public String deletedEvent() {
    return deletedEvent;
  }

  /** Event asking to clear a room's history. */
  public String clearEvent() {
    return clearEvent;
  }

  /** {@code type} of room messages. */
  public String genericType() {
    return genericType;
  }

  /** {@code type} of private messages. */
  public String privateType() {
    return privateType;
  }

  /** {@code type} of notices. */
  public String noticeType() {
    return noticeType;
  }

  /** Builds {@link ChatEvents}. */
  public static final class Builder {
    private String joinEvent = "join room";
    private String leaveEvent = "leave room";
    private String messageEvent = "new message";
    private String privateEvent = "new pm";
    private String presenceEvent = "presence";
    private String clearedEvent = "history cleared";
    private String historyEvent = "history";
    private String membersEvent = "members";
    private String clearEvent = "clear history";
    private String typingEvent = "typing";
    private String moderateEvent = "moderate";
    private String kickedEvent = "kicked";
    private String mutedEvent = "muted";
    private String readEvent = "read";
    private String deliveredEvent = "delivered";
    private String editEvent = "edit";
    private String deleteEvent = "delete";
    private String editedEvent = "edited";
    private String deletedEvent = "deleted";
    private String genericType = "generic";
    private String privateType = "private";
    private String noticeType = "notice";

    private Builder() {}

    /** Default {@code "join room"}. */
    public Builder joinEvent(String name) {
      this.joinEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "leave room"}. */
    public Builder leaveEvent(String name) {
      this.leaveEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "new message"}. */
    public Builder messageEvent(String name) {
      this.messageEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "new pm"}. */
    public Builder privateEvent(String name) {
      this.privateEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "presence"}. */
    public Builder presenceEvent(String name) {
      this.presenceEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "history cleared"}. */
    public Builder clearedEvent(String name) {
      this.clearedEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "history"}. */
    public Builder historyEvent(String name) {
      this.historyEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "members"}. */
    public Builder membersEvent(String name) {
      this.membersEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "clear history"}. */
    public Builder clearEvent(String name) {
      this.clearEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "typing"}: both the client's notice and the server's event. */
    public Builder typingEvent(String name) {
      this.typingEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "moderate"}. */
    public Builder moderateEvent(String name) {
      this.moderateEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "kicked"}. */
    public Builder kickedEvent(String name) {
      this.kickedEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "muted"}. */
    public Builder mutedEvent(String name) {
      this.mutedEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "read"}: both the client's read and the server's receipt. */
    public Builder readEvent(String name) {
      this.readEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "delivered"}. */
    public Builder deliveredEvent(String name) {
      this.deliveredEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "edit"}. */
    public Builder editEvent(String name) {
      this.editEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "delete"}. */
    public Builder deleteEvent(String name) {
      this.deleteEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "edited"}. */
    public Builder editedEvent(String name) {
      this.editedEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "deleted"}. */
    public Builder deletedEvent(String name) {
      this.deletedEvent = Objects.requireNonNull(name);
      return this;
    }

    /** Default {@code "generic"}. */
    public Builder genericType(String type) {
      this.genericType = Objects.requireNonNull(type);
      return this;
    }

    /** Default {@code "private"}. */
    public Builder privateType(String type) {
      this.privateType = Objects.requireNonNull(type);
      return this;
    }

    /** Default {@code "notice"}. */
    public Builder noticeType(String type) {
      this.noticeType = Objects.requireNonNull(type);
      return this;
    }

    /** Builds the mapping. */
    public ChatEvents build() {
      return new ChatEvents(this);
    }
  }
}
