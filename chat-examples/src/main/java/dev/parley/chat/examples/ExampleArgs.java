package dev.parley.chat.examples;

import dev.parley.chat.netty.Tls;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The example jar's command line, read once by {@link Main}: the example's name, then options, each
 * of which may instead come from an environment variable. {@link #parse} refuses anything it does not
 * know with a {@link BadArguments} naming it.
 *
 * @param name the example to run ({@code main} unless the first argument names another)
 * @param help whether {@code --help} (or {@code -h}) was given
 * @param listen where to listen
 * @param historyUrl {@code --history-url}, or {@code null}
 * @param dataDir {@code --data-dir}, or the default
 * @param redisUrl {@code --redis-url}, or {@code null}
 * @param sharedNames whether {@code --shared-names} was given
 * @param moderators the users {@code --moderators} names (comma-separated), in the order given; empty
 *     without it
 */
record ExampleArgs(String name, boolean help, Listen listen, String historyUrl, Path dataDir, String redisUrl,
    boolean sharedNames, Set<String> moderators) {

  /** Options that take a value, with the environment variable each falls back to. */
  private static final Map<String, String> VALUED = Map.of(
      "--port", "PORT",
      "--host", "PARLEY_HOST",
      "--data-dir", "PARLEY_DATA_DIR",
      "--history-url", "PARLEY_HISTORY_URL",
      "--redis-url", "PARLEY_REDIS_URL",
      "--moderators", "PARLEY_MODERATORS",
      "--tls-cert", "PARLEY_TLS_CERT",
      "--tls-key", "PARLEY_TLS_KEY");
  private static final Set<String> SWITCHES = Set.of("--shared-names", "--help", "-h");

  /** The command line is wrong; the message says how. */
  static final class BadArguments extends Exception {
    BadArguments(String message) {
      super(message);
    }
  }

  /**
   * Reads the command line.
   *
   * @param args the arguments of {@code main}
   * @param environment looks up an environment variable ({@code System::getenv}); {@code null} when unset
   * @throws BadArguments for an unknown option, a missing value, a second example name, a port that
   *     is not a number from 0 to 65535, or only one of {@code --tls-cert} and {@code --tls-key}
   */
  static ExampleArgs parse(String[] args, Function<String, String> environment) throws BadArguments {
    String name = "main";
    Map<String, String> values = new HashMap<>();
    Set<String> switches = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String flag = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      if (VALUED.containsKey(flag)) {
        String value;
        if (eq > 0 && flag.length() == eq) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          value = args[++i];
        } else {
          throw new BadArguments(flag + " needs a value");
        }
        values.put(flag, value);
      } else if (SWITCHES.contains(arg)) {
        switches.add(arg);
      } else if (arg.startsWith("-")) {
        throw new BadArguments("unknown option " + arg);
      } else if (i == 0) {
        name = arg;
      } else {
        throw new BadArguments("unexpected argument " + arg + " (the example's name comes first)");
      }
    }
    Function<String, String> option = flag -> {
      String value = values.containsKey(flag) ? values.get(flag) : environment.apply(VALUED.get(flag));
      return value == null || value.isBlank() ? null : value.trim();
    };
    String cert = option.apply("--tls-cert");
    String key = option.apply("--tls-key");
    if ((cert == null) != (key == null)) {
      throw new BadArguments("--tls-cert and --tls-key go together");
    }
    String host = option.apply("--host");
    Listen listen = new Listen(host == null ? Listen.DEFAULT_HOST : host, port(option.apply("--port")),
        cert == null ? null : Tls.pem(Path.of(cert), Path.of(key)));
    String dataDir = option.apply("--data-dir");
    return new ExampleArgs(name, switches.contains("--help") || switches.contains("-h"), listen,
        option.apply("--history-url"), dataDir == null ? RoomsChatExample.DEFAULT_DATA_DIR : Path.of(dataDir),
        option.apply("--redis-url"), switches.contains("--shared-names"), names(option.apply("--moderators")));
  }

  /** "alice, bob,,carol" as alice, bob, carol: blanks around and between the commas do not count. */
  private static Set<String> names(String list) {
    Set<String> names = new LinkedHashSet<>();
    if (list != null) {
      for (String name : list.split(",")) {
        if (!name.isBlank()) {
          names.add(name.trim());
        }
      }
    }
    return Collections.unmodifiableSet(names);
  }

  private static int port(String value) throws BadArguments {
    if (value == null) {
      return 8080;
    }
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below, as an out-of-range number is
    }
    throw new BadArguments("--port (or PORT) must be a number from 0 to 65535, was " + value);
  }
}
