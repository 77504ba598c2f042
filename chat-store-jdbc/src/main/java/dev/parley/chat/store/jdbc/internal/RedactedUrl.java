package dev.parley.chat.store.jdbc.internal;

import java.util.regex.Pattern;

/**
 * A JDBC URL as the store names its database in {@code toString()} and in exception messages, which
 * end up in logs: with every password replaced by {@code ***}.
 */
public final class RedactedUrl {
  /** {@code //user:password@host}. */
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?;]*:)[^/@]*@");
  /** {@code ?password=...}, {@code &sslpassword=...}, {@code ;password=...}, and the like. */
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("(?i)([?&;][^=&;]*(?:password|passwd|pwd|secret|token)[^=&;]*=)[^&;]*");

  private RedactedUrl() {}

  /** The URL with its secrets replaced by {@code ***}. */
  public static String of(String url) {
    return SECRET_PARAMETER.matcher(USER_INFO.matcher(url).replaceAll("$1***@")).replaceAll("$1***");
  }
}
