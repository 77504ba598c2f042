package dev.parley.chat.netty.internal;

import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the fuzz tests' oracles share (docs/fuzzing.md). */
public final class FuzzOracles {
  private FuzzOracles() {}

  /** Whether a decoded value holds an infinite double anywhere. */
  public static boolean hasNonFinite(Object value) {
    if (value instanceof Double d) {
      return !Double.isFinite(d);
    }
    if (value instanceof Map<?, ?> m) {
      return m.values().stream().anyMatch(FuzzOracles::hasNonFinite);
    }
    if (value instanceof Collection<?> c) {
      return c.stream().anyMatch(FuzzOracles::hasNonFinite);
    }
    return false;
  }

  /**
   * A decoded value in a form that {@code equals} compares by content: byte arrays as their hex,
   * every number as a double. Numbers because the Java type of a decoded number is not kept: an
   * integral decimal such as {@code 1e2} comes back a {@code Long} (docs/protocol.md, the number rule).
   */
  public static Object comparable(Object value) {
    if (value instanceof byte[] b) {
      return Map.of("binary", HexFormat.of().formatHex(b));
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Map<?, ?> m) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(k, comparable(v)));
      return copy;
    }
    if (value instanceof Collection<?> c) {
      return c.stream().map(FuzzOracles::comparable).toList();
    }
    return value;
  }
}
