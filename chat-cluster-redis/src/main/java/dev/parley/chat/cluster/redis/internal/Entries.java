package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.spi.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Room entries as the engine keeps them in Redis. A message's id is made by the publish script
 * after the payload was encoded, so the payload holds the id the server gave it and the real one
 * travels beside it as the stream entry id {@code ms-n} (the id's two parts); decoding puts it back.
 * Stateless.
 */
final class Entries {
  private Entries() {}

  /** The message id a stream entry id stands for. */
  static long id(String streamId) {
    int dash = streamId.indexOf('-');
    return (Long.parseLong(streamId, 0, dash, 10) << 12) | Long.parseLong(streamId, dash + 1, streamId.length(), 10);
  }

  /** The stream entry id of a message id. */
  static String streamId(long id) {
    return (id >>> 12) + "-" + (id & 4095);
  }

  /**
   * The event with the id (and so the time) it was ordered under, if it is a message or a presence
   * change with a live notice: the notice takes the id of its presence entry, which the log keeps
   * under kind {@code p}, never as a message.
   */
  static ServerEvent withId(ServerEvent event, long id) {
    if (event instanceof ServerEvent.Message m) {
      return new ServerEvent.Message(withId(m.message(), id));
    }
    if (event instanceof ServerEvent.Presence p && p.notice() != null) {
      return new ServerEvent.Presence(p.room(), p.user(), p.joined(), withId(p.notice(), id));
    }
    if (event instanceof ServerEvent.MessageChanged c) {
      // A change keeps its message's id: the id it was ordered under is its revision.
      return new ServerEvent.MessageChanged(c.message().toBuilder()
          .revision(MessageIds.format(id)).edited(MessageIds.time(id)).build());
    }
    return event;
  }

  /** A clear placed after the message {@code throughId} (null: after none), as the engine ordered it. */
  static ServerEvent.HistoryCleared through(ServerEvent.HistoryCleared clear, String throughId) {
    return new ServerEvent.HistoryCleared(clear.room(), clear.by(), throughId);
  }

  static ChatMessage withId(ChatMessage message, long id) {
    return message.toBuilder().id(MessageIds.format(id)).time(MessageIds.time(id)).build();
  }

  static RoomEntry withId(RoomEntry entry, String streamId) {
    return entry.event() instanceof ServerEvent.Message || entry.event() instanceof ServerEvent.MessageChanged
        || (entry.event() instanceof ServerEvent.Presence p && p.notice() != null)
        ? new RoomEntry(withId(entry.event(), id(streamId)), entry.except())
        : entry;
  }

  /** The kind letter the scripts keep with each entry. */
  static String kind(ServerEvent event) {
    if (event instanceof ServerEvent.Message) {
      return "m";
    } else if (event instanceof ServerEvent.Presence) {
      return "p";
    } else if (event instanceof ServerEvent.HistoryCleared) {
      return "c";
    } else if (event instanceof ServerEvent.MessageChanged) {
      return "e";
    }
    throw new IllegalArgumentException("not a room entry: " + event.getClass().getSimpleName());
  }

  /**
   * Messages as several entries of a log gave them, each once in its latest version, where its last
   * entry stands (entries come in the log's order).
   */
  static List<ChatMessage> latest(List<ChatMessage> entries) {
    LinkedHashMap<String, ChatMessage> byId = new LinkedHashMap<>();
    for (ChatMessage m : entries) {
      byId.remove(m.id());
      byId.put(m.id(), m);
    }
    return new ArrayList<>(byId.values());
  }

  /** Why publish.lua refused a change, as the server says it whichever engine refuses. */
  static ChatException refusal(String why) {
    return switch (why) {
      case "old" -> new ChatException(ErrorCodes.MESSAGE_TOO_OLD, "The message is too old to be changed");
      case "deleted" -> new ChatException(ErrorCodes.UNKNOWN_MESSAGE, "The message was deleted");
      default -> new ChatException(ErrorCodes.UNKNOWN_MESSAGE, "The room has no such message");
    };
  }

  static String ascii(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.US_ASCII);
  }
}
