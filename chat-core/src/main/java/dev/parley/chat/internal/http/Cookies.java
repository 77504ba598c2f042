package dev.parley.chat.internal.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the {@code Cookie} request header. Stateless. */
public final class Cookies {
  private Cookies() {}

  /**
   * The cookies in a request's {@code Cookie} header lines, by name, in order; of two with one name
   * the first, as browsers send the most specific first. A part without a name is skipped.
   */
  public static Map<String, String> parse(List<String> headerLines) {
    Map<String, String> cookies = new LinkedHashMap<>();
    for (String line : headerLines) {
      for (String part : line.split(";")) {
        int eq = part.indexOf('=');
        // The name is trimmed before it is checked: " =x" (after the "; ") has no name either.
        String name = eq < 0 ? "" : part.substring(0, eq).trim();
        if (!name.isEmpty()) {
          cookies.putIfAbsent(name, part.substring(eq + 1).trim());
        }
      }
    }
    return cookies;
  }
}
