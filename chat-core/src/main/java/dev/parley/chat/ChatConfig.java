package dev.parley.chat;

/**
 * The limits and behaviour of a {@link ChatServer}. Immutable; build one with {@link #builder()} and
 * change a copy with {@link #toBuilder()}. Every option has a default, listed on its builder method and
 * in docs/configuration.md.
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

  /** Most rooms the server holds at once. */
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
     * Most rooms the server holds at once. A room nobody is in is dropped, with its history, to make
     * space for a new one. Default 10,000.
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
      return new ChatConfig(this);
    }

    private static void atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
      }
    }
  }
}
