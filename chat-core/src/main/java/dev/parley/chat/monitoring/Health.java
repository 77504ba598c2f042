package dev.parley.chat.monitoring;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Whether a server, or one of its parts, is ready to serve: a status, a sentence saying why, and
 * the health of its parts. {@link dev.parley.chat.ChatServer#health()} has the parts {@code
 * "server"}, {@code "store"} and {@code "cluster"}; {@code NettyChatServer.health()} adds {@code
 * "transport"}. A whole is {@link Status#UP} only when each of its parts is.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param status UP or DOWN
 * @param detail why, for a person (never {@code null}; may be empty)
 * @param components the parts, by name, sorted; empty for a part itself
 */
public record Health(Status status, String detail, Map<String, Health> components) {

  /** Ready, or not. */
  public enum Status {
    /** Ready to serve. */
    UP,
    /** Not ready: not started, closed, or a part it needs cannot be reached. */
    DOWN
  }

  /** Checks the fields and copies the components. */
  public Health {
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
    components = Collections.unmodifiableMap(new TreeMap<>(components == null ? Map.of() : components));
  }

  /**
   * A part that is up.
   *
   * @param detail why, for a person
   * @return the health
   */
  public static Health up(String detail) {
    return new Health(Status.UP, detail, Map.of());
  }

  /**
   * A part that is down.
   *
   * @param detail why, for a person
   * @return the health
   */
  public static Health down(String detail) {
    return new Health(Status.DOWN, detail, Map.of());
  }

  /**
   * A whole made of parts: {@link Status#UP} when every part is (or there are none), else {@link
   * Status#DOWN}, with the detail naming the parts that are down.
   *
   * @param components the parts, by name
   * @return the health
   */
  public static Health of(Map<String, Health> components) {
    TreeMap<String, Health> sorted = new TreeMap<>(components);
    StringBuilder down = new StringBuilder();
    sorted.forEach((name, part) -> {
      if (part.status() == Status.DOWN) {
        down.append(down.length() == 0 ? "" : ", ").append(name);
      }
    });
    return down.length() == 0
        ? new Health(Status.UP, "", sorted)
        : new Health(Status.DOWN, "down: " + down, sorted);
  }

  /**
   * This whole with one more part (or a part replaced), its status worked out again as in {@link
   * #of}.
   *
   * @param name the part's name
   * @param part its health
   * @return the new whole
   */
  public Health with(String name, Health part) {
    TreeMap<String, Health> more = new TreeMap<>(components);
    more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(part, "part"));
    return of(more);
  }

  /** Whether the status is {@link Status#UP}. */
  public boolean isUp() {
    return status == Status.UP;
  }
}
