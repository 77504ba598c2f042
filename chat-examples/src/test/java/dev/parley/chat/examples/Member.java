package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A chat client of one node, over the JSON protocol, that keeps every frame it received, parsed, in
 * arrival order. Waiting looks through everything received so far, then reads more until a
 * deadline. Used by one thread at a time.
 */
final class Member implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(15);
  private static final AtomicInteger REQUESTS = new AtomicInteger();

  final String name;
  final JsonClient client;
  private final List<JsonObject> frames = new ArrayList<>();

  private Member(String name, JsonClient client) {
    this.name = name;
    this.client = client;
  }

  /** Connects; with {@code signedIn}, as {@code /chat?user=NAME}, sharing the name with its other connections. */
  static Member connect(int port, String name, boolean signedIn) throws Exception {
    return new Member(name, new JsonClient(port, signedIn ? "?user=" + name : ""));
  }

  /** Connects and joins {@code room} under {@code name}. */
  static Member joined(int port, String room, String name) throws Exception {
    Member m = connect(port, name, false);
    m.join(room, null);
    return m;
  }

  /** Joins a room (with {@code since}, if not null) and returns the {@code joined} reply; fails on an error. */
  JsonObject join(String room, String since) throws Exception {
    JsonObject reply = request("join", "\"room\":\"" + room + "\",\"username\":\"" + name + "\""
        + (since == null ? "" : ",\"since\":\"" + since + "\""));
    assertThat(type(reply)).as("%s joining %s: %s", name, room, reply).isEqualTo("joined");
    return reply;
  }

  /** Sends a request of this type with these fields and a fresh id, and returns the reply to it. */
  JsonObject request(String type, String fields) throws Exception {
    JsonObject reply = requestUnlessClosed(type, fields);
    assertThat(reply).as("%s received the reply to %s %s before its connection closed; got %s", name, type, fields,
        frames).isNotNull();
    return reply;
  }

  /**
   * As {@link #request}, but {@code null} if the connection closes without the reply: a node that
   * finds it was evicted closes its connections, a new one with a request on its way included.
   */
  JsonObject requestUnlessClosed(String type, String fields) throws Exception {
    String id = "r" + REQUESTS.incrementAndGet();
    Predicate<JsonObject> reply = f -> id.equals(string(f, "id"));
    try {
      client.send("{\"type\":\"" + type + "\",\"id\":\"" + id + "\"," + fields + "}");
    } catch (AssertionError notSent) {
      if (client.isClosed()) {
        return null;
      }
      throw notSent;
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (;;) {
      JsonObject found = find(reply, Duration.ofMillis(100));
      if (found != null || client.isClosed()) {
        return found != null ? found : find(reply, Duration.ZERO);
      }
      assertThat(System.nanoTime()).as("%s received the reply to %s %s within %s; got %s", name, type, fields, WAIT,
          frames).isLessThan(deadline);
    }
  }

  /** Sends a room message without waiting for anything; the ack or error has request id {@code id}. */
  void say(String room, String text, String id) throws Exception {
    client.send("{\"type\":\"message\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"text\":\"" + text + "\"}");
  }

  /** The first frame received (now or within {@code wait}) that matches; fails if none does. */
  JsonObject await(Predicate<JsonObject> match, Duration wait, String what) throws Exception {
    JsonObject found = find(match, wait);
    assertThat(found).as("%s received %s within %s; got %s", name, what, wait, frames).isNotNull();
    return found;
  }

  /** The first frame received (now or within {@code wait}) that matches, or {@code null}. */
  JsonObject find(Predicate<JsonObject> match, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    for (int i = 0; ; i++) {
      while (i >= frames.size()) {
        long left = deadline - System.nanoTime();
        String f = left <= 0 ? null : client.poll(Duration.ofNanos(left));
        if (f == null) {
          return null;
        }
        frames.add(JsonParser.parseString(f).getAsJsonObject());
      }
      if (match.test(frames.get(i))) {
        return frames.get(i);
      }
    }
  }

  /**
   * Waits until at least {@code count} of the room's messages match, reading for up to {@code wait};
   * fails if fewer came.
   */
  List<JsonObject> awaitMessages(String room, Predicate<JsonObject> match, int count, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    for (;;) {
      List<JsonObject> got = messages(room).stream().filter(match).toList();
      long left = deadline - System.nanoTime();
      if (got.size() >= count || left <= 0) {
        assertThat(got).as("%s's messages in %s within %s", name, room, wait).hasSizeGreaterThanOrEqualTo(count);
        return got;
      }
      find(f -> false, Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())));
    }
  }

  /** Reads what arrived, without waiting. */
  List<JsonObject> frames() throws Exception {
    find(f -> false, Duration.ZERO);
    return List.copyOf(frames);
  }

  /** The room's messages (room messages and notices) received live, in arrival order. */
  List<JsonObject> messages(String room) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject f : frames()) {
      if ("message".equals(type(f)) && room.equals(string(f.getAsJsonObject("message"), "room"))) {
        out.add(f.getAsJsonObject("message"));
      }
    }
    return out;
  }

  /** The room's messages received live, and this member's own acknowledged ones, with their text. */
  List<String> texts(String room) throws Exception {
    return messages(room).stream().map(m -> string(m, "text")).toList();
  }

  static String type(JsonObject frame) {
    return string(frame, "type");
  }

  static String string(JsonObject o, String field) {
    return o != null && o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : null;
  }

  /** Matches a frame of this type whose fields have these values (name, value, name, value...). */
  static Predicate<JsonObject> frame(String type, String... fieldValues) {
    return f -> {
      if (!type.equals(type(f))) {
        return false;
      }
      JsonObject o = "message".equals(type) ? f.getAsJsonObject("message") : f;
      for (int i = 0; i + 1 < fieldValues.length; i += 2) {
        if (!fieldValues[i + 1].equals(string(o, fieldValues[i]))) {
          return false;
        }
      }
      return true;
    };
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return name;
  }
}
