package dev.parley.chat.internal.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Copies of header and query maps, as {@code Handshake} and Parley's own transport hold them. Stateless. */
public final class HeaderMaps {
  private HeaderMaps() {}

  /**
   * An unmodifiable copy, in {@code in}'s order, with unmodifiable value lists; with {@code
   * lowerCaseNames}, names are lower-cased and the values of names that differ only in case are
   * joined, in order. {@code null} gives an empty map.
   */
  public static Map<String, List<String>> copy(Map<String, List<String>> in, boolean lowerCaseNames) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (in != null) {
      in.forEach((k, v) -> out.merge(lowerCaseNames ? k.toLowerCase(Locale.ROOT) : k, List.copyOf(v), (a, b) -> {
        List<String> both = new ArrayList<>(a);
        both.addAll(b);
        return List.copyOf(both);
      }));
    }
    return Collections.unmodifiableMap(out);
  }
}
