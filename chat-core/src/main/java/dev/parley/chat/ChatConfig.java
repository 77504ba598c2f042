package dev.parley.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits and behaviour of a {@link ChatServer}. Immutable; build one with {@link #builder()} and
 * change a copy with {@link #toBuilder()}. Every option has a default, listed on its builder method and
 * in docs/configuration.md.
 *
 * <p>Over 500 lines because each option is a field, an accessor, a builder method with its default
 * and its check: one place per option, which splitting would scatter.
 */
public final class ChatConfig {
  private static final ChatConfig DEFAULTS = new Builder().build();

  private final int historySize;
  private final int maxMessageLength;
  private final int maxUsernameLength;
  private final int maxRoomNameLength;
  private final int maxRoomsPerConnection;
  private final int maxRooms;
  private final int requestsPerSecond;
  private final int requestBurst;
  private final int maxPendingRequests;
  private final boolean announcePresence;
  private final boolean keepPresenceNotices;
  private final int maxRecoveredMessages;
  private final Duration recoveryWindow;
  private final boolean offlineMessages;
  private final AckTiming ackTiming;
  private final Duration hookTimeout;
  private final int typingPerSecond;
  private final Duration typingTimeout;
  private final boolean roomReadReceipts;
  private final int readsPerSecond;
  private final boolean deliveryReceipts;

  private ChatConfig(Builder b) {
    this.historySize = b.historySize;
    this.maxMessageLength = b.maxMessageLength;
    this.maxUsernameLength = b.maxUsernameLength;
    this.maxRoomNameLength = b.maxRoomNameLength;
    this.maxRoomsPerConnection = b.maxRoomsPerConnection;
    this.maxRooms = b.maxRooms;
    this.requestsPerSecond = b.requestsPerSecond;
    this.requestBurst = b.requestBurst;
    this.maxPendingRequests = b.maxPendingRequests;
    this.announcePresence = b.announcePresence;
    this.keepPresenceNotices = b.keepPresenceNotices;
    this.maxRecoveredMessages = b.maxRecoveredMessages;
    this.recoveryWindow = b.recoveryWindow;
    this.offlineMessages = b.offlineMessages;
    this.ackTiming = b.ackTiming;
    this.hookTimeout = b.hookTimeout;
    this.typingPerSecond = b.typingPerSecond;
    this.typingTimeout = b.typingTimeout;
    this.roomReadReceipts = b.roomReadReceipts;
    this.readsPerSecond = b.readsPerSecond;
    this.deliveryReceipts = b.deliveryReceipts;
  }

  /** The configuration with every option at its default. */
  public static ChatConfig defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.historySize = historySize;
    b.maxMessageLength = maxMessageLength;
    b.maxUsernameLength = maxUsernameLength;
    b.maxRoomNameLength = maxRoomNameLength;
    b.maxRoomsPerConnection = maxRoomsPerConnection;
    b.maxRooms = maxRooms;
    b.requestsPerSecond = requestsPerSecond;
    b.requestBurst = requestBurst;
    b.maxPendingRequests = maxPendingRequests;
    b.announcePresence = announcePresence;
    b.keepPresenceNotices = keepPresenceNotices;
    b.maxRecoveredMessages = maxRecoveredMessages;
    b.recoveryWindow = recoveryWindow;
    b.offlineMessages = offlineMessages;
    b.ackTiming = ackTiming;
    b.hookTimeout = hookTimeout;
    b.typingPerSecond = typingPerSecond;
    b.typingTimeout = typingTimeout;
    b.roomReadReceipts = roomReadReceipts;
    b.readsPerSecond = readsPerSecond;
    b.deliveryReceipts = deliveryReceipts;
    return b;
  }

  /** Messages kept per room and sent to a joining client. */
  public int historySize() {
    return historySize;
  }

  /** Longest message text accepted from a client, in UTF-16 chars. */
  public int maxMessageLength() {
    return maxMessageLength;
  }

  /** Longest username accepted. */
  public int maxUsernameLength() {
    return maxUsernameLength;
  }

  /** Longest room name accepted. */
  public int maxRoomNameLength() {
    return maxRoomNameLength;
  }

  /** Most rooms one connection may be in at once. */
  public int maxRoomsPerConnection() {
    return maxRoomsPerConnection;
  }

  /** Most rooms with members on this node at once; also the in-process engine's bound on room logs. */
  public int maxRooms() {
    return maxRooms;
  }

  /** Sustained requests per second one connection may send. */
  public int requestsPerSecond() {
    return requestsPerSecond;
  }

  /** Requests one connection may send at once: the size of its token bucket. */
  public int requestBurst() {
    return requestBurst;
  }

  /** Requests of one connection that may wait for the hook executor before more are refused. */
  public int maxPendingRequests() {
    return maxPendingRequests;
  }

  /** Whether joins and leaves are announced to the room as notices ("alice has joined"). */
  public boolean announcePresence() {
    return announcePresence;
  }

  /**
   * Whether the join and leave notices are kept in the room's history (and replayed by recovery), or
   * only sent live. See {@link Builder#keepPresenceNotices(boolean)}.
   */
  public boolean keepPresenceNotices() {
    return keepPresenceNotices;
  }

  /** Most messages per room a reconnecting client is sent to catch up; past it, recovery fails. */
  public int maxRecoveredMessages() {
    return maxRecoveredMessages;
  }

  /** How long after a message a client may still recover from it; past it, recovery fails. */
  public Duration recoveryWindow() {
    return recoveryWindow;
  }

  /** Whether private messages to a user who is offline are kept and delivered when they come back. */
  public boolean offlineMessages() {
    return offlineMessages;
  }

  /**
   * When a client's message is acknowledged, and when the stages of the send actions complete:
   * once the history store has made the message durable ({@link AckTiming#ON_COMMIT}, the default),
   * or on receipt.
   */
  public AckTiming ackTiming() {
    return ackTiming;
  }

  /**
   * How long a connect, join, message or clear-history hook may take to decide; past it the request
   * is refused with {@link ErrorCodes#HOOK_TIMEOUT}.
   */
  public Duration hookTimeout() {
    return hookTimeout;
  }

  /** Typing notices a connection may send per second; see {@link Builder#typingPerSecond(int)}. */
  public int typingPerSecond() {
    return typingPerSecond;
  }

  /** How long a typing indicator lasts without a refresh; see {@link Builder#typingTimeout(Duration)}. */
  public Duration typingTimeout() {
    return typingTimeout;
  }

  /** Whether a room's members learn how far the others read; see {@link Builder#roomReadReceipts(boolean)}. */
  public boolean roomReadReceipts() {
    return roomReadReceipts;
  }

  /** Read markers a connection may move per second; see {@link Builder#readsPerSecond(int)}. */
  public int readsPerSecond() {
    return readsPerSecond;
  }

  /** Whether a private message's sender learns where it was delivered; see {@link Builder#deliveryReceipts(boolean)}. */
  public boolean deliveryReceipts() {
    return deliveryReceipts;
  }

  @Override
  public String toString() {
    return "ChatConfig{historySize=" + historySize
        + ", maxMessageLength=" + maxMessageLength
        + ", maxUsernameLength=" + maxUsernameLength
        + ", maxRoomNameLength=" + maxRoomNameLength
        + ", maxRoomsPerConnection=" + maxRoomsPerConnection
        + ", maxRooms=" + maxRooms
        + ", requestsPerSecond=" + requestsPerSecond
        + ", requestBurst=" + requestBurst
        + ", maxPendingRequests=" + maxPendingRequests
        + ", announcePresence=" + announcePresence
        + ", keepPresenceNotices=" + keepPresenceNotices
        + ", maxRecoveredMessages=" + maxRecoveredMessages
        + ", recoveryWindow=" + recoveryWindow
        + ", offlineMessages=" + offlineMessages
        + ", ackTiming=" + ackTiming
        + ", hookTimeout=" + hookTimeout
        + ", typingPerSecond=" + typingPerSecond
        + ", typingTimeout=" + typingTimeout
        + ", roomReadReceipts=" + roomReadReceipts
        + ", readsPerSecond=" + readsPerSecond
        + ", deliveryReceipts=" + deliveryReceipts
        + '}';
  }

  /** Builds a {@link ChatConfig}; {@link #build()} checks the values. */
  public static final class Builder {
    private int historySize = 100;
    private int maxMessageLength = 4000;
    private int maxUsernameLength = 32;
    private int maxRoomNameLength = 64;
    private int maxRoomsPerConnection = 128;
    private int maxRooms = 10_000;
    private int requestsPerSecond = 20;
    private int requestBurst = 40;
    private int maxPendingRequests = 64;
    private boolean announcePresence = true;
    private boolean keepPresenceNotices = false;
    private int maxRecoveredMessages = 100;
    private Duration recoveryWindow = Duration.ofMinutes(2);
    private boolean offlineMessages = false;
    private AckTiming ackTiming = AckTiming.ON_COMMIT;
    private Duration hookTimeout = Duration.ofSeconds(5);
    private int typingPerSecond = 2;
    private Duration typingTimeout = Duration.ofSeconds(6);
    private boolean roomReadReceipts = false;
    private int readsPerSecond = 5;
    private boolean deliveryReceipts = true;

    private Builder() {}

    /** Messages kept per room and sent to a joining client; 0 keeps none. Default 100. */
    public Builder historySize(int messages) {
      this.historySize = messages;
      return this;
    }

    /** Longest message text accepted from a client, in UTF-16 chars. Default 4000. */
    public Builder maxMessageLength(int chars) {
      this.maxMessageLength = chars;
      return this;
    }

    /** Longest username accepted. Default 32. */
    public Builder maxUsernameLength(int chars) {
      this.maxUsernameLength = chars;
      return this;
    }

    /** Longest room name accepted. Default 64. */
    public Builder maxRoomNameLength(int chars) {
      this.maxRoomNameLength = chars;
      return this;
    }

    /** Most rooms one connection may be in at once. Default 128. */
    public Builder maxRoomsPerConnection(int rooms) {
      this.maxRoomsPerConnection = rooms;
      return this;
    }

    /**
     * Most rooms with members on this node at once: a join that would add one more is refused with
     * {@link ErrorCodes#TOO_MANY_ROOMS}. The default, in-process engine also keeps the logs of at most
     * this many rooms, forgetting the least recently active one nobody is in (its messages stay in
     * the history store). Default 10,000.
     */
    public Builder maxRooms(int rooms) {
      this.maxRooms = rooms;
      return this;
    }

    /**
     * Sustained requests per second one connection may send; requests above it are refused with
     * {@link ErrorCodes#RATE_LIMITED}. Default 20.
     */
    public Builder requestsPerSecond(int requests) {
      this.requestsPerSecond = requests;
      return this;
    }

    /**
     * Requests one connection may send at once after a quiet period: the size of its token bucket,
     * which refills at {@link #requestsPerSecond(int)}. Default 40.
     */
    public Builder requestBurst(int requests) {
      this.requestBurst = requests;
      return this;
    }

    /**
     * Requests of one connection that may wait for the hook executor; more are refused with {@link
     * ErrorCodes#OVERLOADED}. Default 64.
     */
    public Builder maxPendingRequests(int requests) {
      this.maxPendingRequests = requests;
      return this;
    }

    /** Whether joins and leaves are announced to the room as notices. Default {@code true}. */
    public Builder announcePresence(boolean announce) {
      this.announcePresence = announce;
      return this;
    }

    /**
     * Whether the notices of {@link #announcePresence(boolean)} are kept in the room's history, so
     * that joining clients see them in {@code joined.history} and recovery replays them. Default
     * {@code false}: they are live events only, sent to the members in the room's order (with an id
     * in that order, so a client may recover from it) but kept by neither the history store nor the
     * cluster's log, so a room's history is its messages, and a server's shutdown, which takes every
     * client out of its rooms, leaves nothing behind in it.
     */
    public Builder keepPresenceNotices(boolean keep) {
      this.keepPresenceNotices = keep;
      return this;
    }

    /**
     * Most messages per room sent to a client that reconnects with the id of the last message it saw.
     * When more than this many were missed, the client gets the room's recent history instead, marked
     * as not recovered. Must be smaller than the number of messages the history store keeps per room.
     * Default 100.
     */
    public Builder maxRecoveredMessages(int messages) {
      this.maxRecoveredMessages = messages;
      return this;
    }

    /**
     * How old the last message a reconnecting client saw may be for it to recover what followed; an
     * older one gets the room's recent history instead, marked as not recovered. Must fit within the
     * history store's retention. Default 2 minutes.
     */
    public Builder recoveryWindow(Duration window) {
      this.recoveryWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /**
     * Whether a private message to a user who is not connected is kept in their inbox, within the
     * history store's retention, and delivered at their next connection. Without it, such a message
     * is refused with {@link ErrorCodes#UNKNOWN_USER}. Default {@code false}.
     */
    public Builder offlineMessages(boolean keep) {
      this.offlineMessages = keep;
      return this;
    }

    /**
     * When a client's message is acknowledged to it. Default {@link AckTiming#ON_COMMIT}: once the
     * history store has made it durable, so that with a database no acknowledged message is lost in a
     * crash (the in-memory store completes at once, so there it costs nothing). {@link
     * AckTiming#ON_RECEIPT} acknowledges sooner with a database, at the risk that a crash loses
     * messages the senders were told are kept.
     */
    public Builder ackTiming(AckTiming timing) {
      this.ackTiming = Objects.requireNonNull(timing, "timing");
      return this;
    }

    /**
     * How long a hook that decides about a request (connect, join, message, clear history) may take.
     * When it has not returned by then, the request is refused with {@link ErrorCodes#HOOK_TIMEOUT}
     * (a refused connect also closes the connection), and whatever the hook returns later has no
     * effect. The hook's thread is not interrupted, and the connection's later requests still wait
     * for it to return. Leave and disconnect hooks only report what happened and have no deadline.
     * Default 5 seconds, below Socket.IO's 10 s {@code connectTimeout}, so that a Socket.IO client
     * refused this way gets a {@code connect_error} rather than a closed connection.
     */
    public Builder hookTimeout(Duration timeout) {
      this.hookTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Typing notices (started, refreshed or stopped) one connection may send per second, with a
     * burst of as many: beyond it a notice is dropped and answered with {@link
     * ErrorCodes#TYPING_TOO_FAST}. A client refreshes a started indicator well within {@link
     * #typingTimeout(Duration)}, so a few per second is plenty. Default 2.
     */
    public Builder typingPerSecond(int notices) {
      this.typingPerSecond = notices;
      return this;
    }

    /**
     * How long a typing indicator lasts without a refresh: sent to clients as {@code expiresIn}, after
     * which they stop showing it; the server also counts a connection as typing for this long, by its
     * clock, to tell the room it stopped when its message is sent or it leaves. Default 6 seconds;
     * from 1 second to 1 minute.
     */
    public Builder typingTimeout(Duration timeout) {
      this.typingTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Whether the other members of a room receive a {@code read} receipt when a user moves their read
     * marker there. Off by default, for privacy: who read what in a room is then the user's own (their
     * other connections still learn it, and markers and unread counts work the same). Private
     * conversations always send read receipts to the other user, unless the {@link ReadHook} withholds
     * them; the hook may also withhold room receipts per user and room when this is on.
     */
    public Builder roomReadReceipts(boolean send) {
      this.roomReadReceipts = send;
      return this;
    }

    /**
     * Whether the sender of a private message receives a {@code delivered} receipt, on each of their
     * connections, for each connection of the recipient the message is handed to. On by default. Off
     * saves a frame to the sender for every delivery, a write as costly as the delivery itself, for
     * applications that show no delivery ticks; {@code read} receipts are not affected, and the
     * recipient can still mark the message read.
     */
    public Builder deliveryReceipts(boolean send) {
      this.deliveryReceipts = send;
      return this;
    }

    /**
     * Read markers ({@code read} requests) one connection may move per second, with a burst of twice
     * as many: beyond it a request is dropped and answered with {@link ErrorCodes#READ_TOO_FAST}.
     * Each one that moves a marker writes to the history store and may send a receipt, so a client
     * sends one when the user has seen new messages, not one per message. Default 5.
     */
    public Builder readsPerSecond(int reads) {
      this.readsPerSecond = reads;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public ChatConfig build() {
      atLeast("historySize", historySize, 0);
      atLeast("maxMessageLength", maxMessageLength, 1);
      atLeast("maxUsernameLength", maxUsernameLength, 1);
      atLeast("maxRoomNameLength", maxRoomNameLength, 1);
      atLeast("maxRoomsPerConnection", maxRoomsPerConnection, 1);
      atLeast("maxRooms", maxRooms, 1);
      atLeast("requestsPerSecond", requestsPerSecond, 1);
      atLeast("requestBurst", requestBurst, 1);
      atLeast("maxPendingRequests", maxPendingRequests, 1);
      atLeast("maxRecoveredMessages", maxRecoveredMessages, 1);
      if (recoveryWindow.isNegative() || recoveryWindow.isZero()) {
        throw new IllegalArgumentException("recoveryWindow must be positive, was " + recoveryWindow);
      }
      atLeast("typingPerSecond", typingPerSecond, 1);
      atLeast("readsPerSecond", readsPerSecond, 1);
      if (typingTimeout.compareTo(Duration.ofSeconds(1)) < 0 || typingTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("typingTimeout must be from 1 s to 1 min, was " + typingTimeout);
      }
      if (hookTimeout.compareTo(Duration.ofMillis(1)) < 0 || hookTimeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("hookTimeout must be from 1 ms to 1 day, was " + hookTimeout);
      }
      return new ChatConfig(this);
    }

    private static void atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
      }
    }
  }
}
