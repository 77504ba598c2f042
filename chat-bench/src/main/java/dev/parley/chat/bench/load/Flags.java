package dev.parley.chat.bench.load;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} command-line flags; every flag takes a value. */
final class Flags {
  private final Map<String, String> values;
  private final Set<String> read = new HashSet<>();

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  static Flags parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      values.put(args[i].substring(2), args[++i]);
    }
    return new Flags(values);
  }

  String string(String name, String fallback) {
    read.add(name);
    return values.getOrDefault(name, fallback);
  }

  int integer(String name, int fallback) {
    String v = string(name, null);
    return v == null ? fallback : Integer.parseInt(v.replace("_", ""));
  }

  long longValue(String name, long fallback) {
    String v = string(name, null);
    return v == null ? fallback : Long.parseLong(v.replace("_", ""));
  }

  double decimal(String name, double fallback) {
    String v = string(name, null);
    return v == null ? fallback : Double.parseDouble(v);
  }

  boolean bool(String name, boolean fallback) {
    String v = string(name, null);
    return v == null ? fallback : Boolean.parseBoolean(v);
  }

  /** Fails on a flag no caller asked for, so that a typo is not silently ignored. */
  void rejectUnknown() {
    for (String name : values.keySet()) {
      if (!read.contains(name)) {
        throw new IllegalArgumentException("unknown flag --" + name);
      }
    }
  }
}
