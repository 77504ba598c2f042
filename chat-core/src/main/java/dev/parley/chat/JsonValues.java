package dev.parley.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deep immutable copies of JSON-compatible values, so that a message's data cannot change under it. */
final class JsonValues {
  private JsonValues() {}

  static Map<String, Object> immutableObject(Map<String, ?> map) {
    if (map.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, immutable(v)));
    return Collections.unmodifiableMap(copy);
  }

  private static Object immutable(Object value) {
    if ((value instanceof Double d && !Double.isFinite(d)) || (value instanceof Float f && !Float.isFinite(f))) {
      throw new IllegalArgumentException("message data must be valid JSON; " + value + " is not a JSON number");
    }
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), immutable(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l.size());
      l.forEach(v -> copy.add(immutable(v)));
      return Collections.unmodifiableList(copy);
    }
    throw new IllegalArgumentException(
        "message data must hold only JSON values (String, Number, Boolean, List, Map, null), got "
            + value.getClass().getName());
  }
}
