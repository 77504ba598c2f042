package dev.parley.bench;

import java.util.List;
import java.util.Locale;

/** Command-line options ({@code --name value} or {@code --name=value}), else environment variables. */
final class Options {
  private final List<String> args;

  Options(String[] args) {
    this.args = List.of(args);
  }

  String text(String name, String envName, String fallback) {
    String flag = "--" + name;
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(flag) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (args.get(i).startsWith(flag + "=")) {
        return args.get(i).substring(flag.length() + 1);
      }
    }
    String env = System.getenv(envName);
    return env == null || env.isBlank() ? fallback : env.trim();
  }

  int integer(String name, String envName, int fallback) {
    return Integer.parseInt(text(name, envName, Integer.toString(fallback)));
  }

  boolean bool(String name, String envName, boolean fallback) {
    String value = text(name, envName, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
    return !List.of("0", "false", "no", "off").contains(value);
  }
}
