package dev.parley.chat.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code @name text} grammar of a private message typed as text: {@code @}, a name (letters,
 * digits, {@code _}, {@code .}, {@code -}), at least one whitespace character, then the text. It is
 * the one grammar the chat server applies to a room message's text and that transports use to read
 * a private message a client sent as one string, so that both read the same text the same way.
 * Immutable.
 *
 * @param to the name after the {@code @}
 * @param text what follows the whitespace after the name; may be empty
 */
public record PrivatePrefix(String to, String text) {
  private static final Pattern GRAMMAR = Pattern.compile("^@([\\p{L}\\p{N}_.\\-]+)\\s+(.*)$", Pattern.DOTALL);

  /**
   * Checks the parts.
   *
   * @param to the recipient's name
   * @param text the text
   */
  public PrivatePrefix {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(text, "text");
  }

  /**
   * Reads a text as {@code @name text}.
   *
   * @param text a message's text, or {@code null}
   * @return the recipient and the text after the name, or empty if the text does not start so
   *     ({@code "@bob"} with nothing after the name, or leading whitespace, is no private message)
   */
  public static Optional<PrivatePrefix> parse(String text) {
    if (text == null || text.isEmpty() || text.charAt(0) != '@') {
      return Optional.empty();
    }
    Matcher m = GRAMMAR.matcher(text);
    return m.matches() ? Optional.of(new PrivatePrefix(m.group(1), m.group(2))) : Optional.empty();
  }
}
