package dev.parley.chat.examples;

import java.util.regex.Pattern;

/**
 * Database and Redis URLs as the examples print them: with every secret replaced by {@code ***}, so
 * that a password never reaches a terminal, a log file or a journal.
 */
final class Redacted {
  /** The password of {@code scheme://user:password@host} (and Redis's {@code redis://:password@host}). */
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?;]*:)[^/@]*@");
  /**
   * A parameter whose name says it is secret: {@code ?password=...}, {@code &sslpassword=...}, {@code
   * ;password=...} (SQL Server style), {@code passwd}, {@code pwd}, {@code secret}, {@code token}.
   */
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("(?i)([?&;][^=&;]*(?:password|passwd|pwd|secret|token)[^=&;]*=)[^&;]*");

  private Redacted() {}

  /** The URL with its secrets replaced by {@code ***}. */
  static String url(String url) {
    String masked = USER_INFO.matcher(url).replaceAll("$1***@");
    return SECRET_PARAMETER.matcher(masked).replaceAll("$1***");
  }
}
