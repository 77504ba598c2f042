package dev.parley.chat.netty.internal;

import dev.parley.chat.ModerationAction;
import java.time.Duration;
import java.util.Locale;

/**
 * How both wire protocols write a moderation request's action and duration: the action's name in
 * lower case, the duration in seconds. Stateless.
 */
public final class Moderations {
  /** Why an action was refused, for the client. */
  public static final String ACTIONS = "Field 'action' must be one of kick, mute, unmute, ban, unban, list";

  private Moderations() {}

  /** The action a client named, or {@code null} if it names none. */
  public static ModerationAction action(String name) {
    if (name == null) {
      return null;
    }
    for (ModerationAction action : ModerationAction.values()) {
      if (action.name().toLowerCase(Locale.ROOT).equals(name)) {
        return action;
      }
    }
    return null;
  }

  /** How both protocols name a restriction's kind: {@code "ban"} or {@code "mute"}. */
  public static String kind(dev.parley.chat.history.Restriction.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /**
   * A duration given in seconds; {@code null} for none. Refused durations (zero, negative, beyond
   * about 10,000 years) become a zero duration, which the server refuses with its own message.
   */
  public static Duration duration(Number seconds) {
    if (seconds == null) {
      return null;
    }
    double value = seconds.doubleValue();
    if (!(value > 0) || value > 3.2e11) {
      return Duration.ZERO;
    }
    return Duration.ofMillis(Math.max(1, Math.round(value * 1000)));
  }
}
