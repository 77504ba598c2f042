package dev.parley.chat.netty.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.regex.Pattern;

/**
 * Gson trees to plain Java values and back, for both wire protocols: objects become {@code Map},
 * arrays {@code List}, integers {@code Long}, other numbers {@code Double}. Socket.IO adds binary:
 * {@code byte[]} values travel as placeholders with attachments.
 *
 * <p>Numbers from clients follow one rule (docs/protocol.md, "Numbers"), so that what other clients
 * get back is the value that was sent, as every JavaScript client reads it: an integer literal must
 * lie within ±(2^53−1), where doubles hold every integer; any other number must be a finite double
 * (and not a non-zero value that rounds to zero). Anything else is refused with {@link
 * RefusedNumber}, which names where the number was.
 */
public final class JsonValues {
  /** Nulls are values in payloads and must arrive as sent. */
  private static final Gson GSON = new GsonBuilder().serializeNulls().create();
  /** 2^53−1, JavaScript's Number.MAX_SAFE_INTEGER: the largest integer every client holds exactly. */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  /** Digits of {@link #MAX_SAFE_INTEGER}: longer integer literals are out of range without parsing. */
  private static final int MAX_SAFE_DIGITS = 16;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
  /** Object keys in a path are cut to this; the path is for a person to find the field by. */
  private static final int MAX_KEY_IN_PATH = 40;

  /**
   * A number the rule refuses. Its message says why ("is an integer outside ..."); {@link #path}
   * says where. Thrown without a stack trace: it is the client's error, not the server's.
   */
  public static final class RefusedNumber extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Keys (String) and indexes (Integer), outermost first. */
    private final Deque<Object> segments = new ArrayDeque<>();

    RefusedNumber(String reason) {
      super(reason, null, false, false);
    }

    RefusedNumber in(Object segment) {
      segments.addFirst(segment);
      return this;
    }

    /** Keys and indexes from the value given to {@code toJava} down to the number, outermost first. */
    public List<Object> segments() {
      return List.copyOf(segments);
    }

    /** Where the number is, as {@code root} followed by the segments: {@code data.items[3].n}. */
    public String path(String root) {
      return path(root, segments());
    }

    /** Formats a path: {@code .name} for plain keys, {@code ["odd key"]} for others, {@code [3]} for indexes. */
    public static String path(String root, List<Object> segments) {
      StringBuilder sb = new StringBuilder(root);
      for (Object s : segments) {
        if (s instanceof Integer index) {
          sb.append('[').append(index).append(']');
        } else {
          String key = (String) s;
          if (key.length() > MAX_KEY_IN_PATH) {
            key = key.substring(0, MAX_KEY_IN_PATH) + "…";
          }
          if (NAME.matcher(key).matches()) {
            sb.append('.').append(key);
          } else {
            sb.append('[').append(GSON.toJson(key)).append(']');
          }
        }
      }
      return sb.toString();
    }
  }

  private JsonValues() {}

  /** Resolves a JSON object that stands for something else (a binary placeholder), or returns null. */
  @FunctionalInterface
  public interface Substitution<E extends Exception> {
    Object resolve(JsonObject object) throws E;
  }

  /** No substitutions: every object is a map. */
  public static Object toJava(JsonElement e) {
    return toJava(e, o -> null);
  }

  /** As {@link #toJava(JsonElement)}, with objects first offered to {@code substitution}. */
  public static <E extends Exception> Object toJava(JsonElement e, Substitution<E> substitution) throws E {
    if (e.isJsonNull()) {
      return null;
    }
    if (e.isJsonArray()) {
      JsonArray array = e.getAsJsonArray();
      List<Object> list = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        try {
          list.add(toJava(array.get(i), substitution));
        } catch (RefusedNumber refused) {
          throw refused.in(i);
        }
      }
      return list;
    }
    if (e.isJsonObject()) {
      Object substitute = substitution.resolve(e.getAsJsonObject());
      if (substitute != null) {
        return substitute;
      }
      Map<String, Object> map = new LinkedHashMap<>();
      for (Entry<String, JsonElement> en : e.getAsJsonObject().entrySet()) {
        try {
          map.put(en.getKey(), toJava(en.getValue(), substitution));
        } catch (RefusedNumber refused) {
          throw refused.in(en.getKey());
        }
      }
      return map;
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return p.getAsBoolean();
    }
    if (p.isString()) {
      return p.getAsString();
    }
    return number(p.getAsString());
  }

  /**
   * A JSON number literal as a {@code Long} (integers, and other numbers whose double is a whole
   * number in the safe range: {@code 1.0} and {@code 1e2} stay integers) or a {@code Double}.
   *
   * @throws RefusedNumber if the rule in the class comment refuses it
   */
  public static Number number(String literal) {
    // Never BigDecimal: a client's 60,000-digit literal must cost linear time, and the checks below
    // need no more than a double and a long.
    if (isIntegerLiteral(literal)) {
      int digits = literal.length() - (literal.charAt(0) == '-' ? 1 : 0);
      long value = digits <= MAX_SAFE_DIGITS ? Long.parseLong(literal) : Long.MAX_VALUE;
      if (Math.abs(value) > MAX_SAFE_INTEGER) {
        throw new RefusedNumber("is an integer outside ±" + MAX_SAFE_INTEGER + " (2^53-1)");
      }
      return value;
    }
    double value = Double.parseDouble(literal);
    if (!Double.isFinite(value)) {
      throw new RefusedNumber("is a number too large for a double");
    }
    if (value == 0 && hasNonZeroDigit(literal)) {
      throw new RefusedNumber("is a number too small for a double (it would become 0)");
    }
    if (value == Math.rint(value) && Math.abs(value) <= MAX_SAFE_INTEGER) {
      return (long) value;
    }
    return value;
  }

  private static boolean isIntegerLiteral(String literal) {
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '.' || c == 'e' || c == 'E') {
        return false;
      }
    }
    return true;
  }

  /** Whether the significand (before any exponent) has a digit other than 0. */
  private static boolean hasNonZeroDigit(String literal) {
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == 'e' || c == 'E') {
        return false;
      }
      if (c >= '1' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  /** Java values to JSON. */
  public static JsonElement toJson(Object value) {
    return toJson(value, null);
  }

  /**
   * Java values to JSON; each {@code byte[]} becomes a placeholder numbered in the order met and is
   * added to {@code binaries}. Without a list, binary values are refused. Other objects (records,
   * beans) go through Gson's field mapping.
   */
  public static JsonElement toJson(Object value, List<byte[]> binaries) {
    if (value == null) {
      return JsonNull.INSTANCE;
    }
    if (value instanceof JsonElement e) {
      return e;
    }
    if (value instanceof String s) {
      return new JsonPrimitive(s);
    }
    if (value instanceof Number n) {
      return new JsonPrimitive(n);
    }
    if (value instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    if (value instanceof Character c) {
      return new JsonPrimitive(c);
    }
    if (value instanceof byte[] bytes) {
      if (binaries == null) {
        throw new IllegalArgumentException("binary data cannot be sent over this protocol");
      }
      JsonObject placeholder = new JsonObject();
      placeholder.addProperty("_placeholder", true);
      placeholder.addProperty("num", binaries.size());
      binaries.add(bytes);
      return placeholder;
    }
    if (value instanceof Map<?, ?> map) {
      JsonObject o = new JsonObject();
      map.forEach((k, v) -> o.add(String.valueOf(k), toJson(v, binaries)));
      return o;
    }
    if (value instanceof Collection<?> c) {
      JsonArray a = new JsonArray(c.size());
      c.forEach(v -> a.add(toJson(v, binaries)));
      return a;
    }
    if (value instanceof Object[] array) {
      JsonArray a = new JsonArray(array.length);
      for (Object v : array) {
        a.add(toJson(v, binaries));
      }
      return a;
    }
    return GSON.toJsonTree(value);
  }

  /** Serialises a tree, keeping nulls. */
  public static String write(JsonElement json) {
    return GSON.toJson(json);
  }

  /**
   * Appends what {@code write(toJson(value, binaries))} would give, character for character, with the
   * same placeholders added to {@code binaries} in the same order, without building the tree: every
   * Socket.IO packet the server sends is encoded here, the connect reply and the join's
   * acknowledgement first of all, and on a fresh server the tree's classes (and Gson's writer of
   * them) are code the JIT compiles for the first connections. Strings, whole numbers, booleans,
   * nulls, and maps with string keys, lists and arrays of them are written here; any other value
   * (a double, a {@link JsonElement}, a record) goes through the tree, so its text is Gson's own.
   */
  public static void append(StringBuilder out, Object value, List<byte[]> binaries) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      out.append(((Number) value).longValue()); // as Gson: their toString, always a valid JSON number
    } else if (value instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (value instanceof Map<?, ?> map && stringKeys(map)) {
      out.append('{');
      boolean first = true;
      for (Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, (String) e.getKey());
        out.append(':');
        append(out, e.getValue(), binaries);
      }
      out.append('}');
    } else if (value instanceof Collection<?> c) {
      out.append('[');
      boolean first = true;
      for (Object v : c) {
        if (!first) {
          out.append(',');
        }
        first = false;
        append(out, v, binaries);
      }
      out.append(']');
    } else if (value instanceof Object[] array) {
      out.append('[');
      for (int i = 0; i < array.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        append(out, array[i], binaries);
      }
      out.append(']');
    } else if (value instanceof byte[] bytes && binaries != null) {
      out.append("{\"_placeholder\":true,\"num\":").append(binaries.size()).append('}');
      binaries.add(bytes);
    } else {
      out.append(write(toJson(value, binaries)));
    }
  }

  /**
   * Whether every key is a string: keys of other types become {@code String.valueOf(key)}, and two
   * keys with one text would be one member of the tree, so such a map goes through the tree.
   */
  private static boolean stringKeys(Map<?, ?> map) {
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /** Gson's escapes for its HTML-safe writer, the one {@link #GSON} writes with: null where none. */
  private static final String[] ESCAPES = new String[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      String hex = Integer.toHexString(c);
      ESCAPES[c] = "\\u" + "0000".substring(hex.length()) + hex;
    }
    ESCAPES['"'] = "\\\"";
    ESCAPES['\\'] = "\\\\";
    ESCAPES['\t'] = "\\t";
    ESCAPES['\b'] = "\\b";
    ESCAPES['\n'] = "\\n";
    ESCAPES['\r'] = "\\r";
    ESCAPES['\f'] = "\\f";
    ESCAPES['<'] = "\\u003c";
    ESCAPES['>'] = "\\u003e";
    ESCAPES['&'] = "\\u0026";
    ESCAPES['='] = "\\u003d";
    ESCAPES['\''] = "\\u0027";
  }

  /** A string literal as Gson writes it. */
  private static void string(StringBuilder out, String s) {
    out.append('"');
    int last = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String escape;
      if (c < 128) {
        escape = ESCAPES[c];
        if (escape == null) {
          continue;
        }
      } else if (c == '\u2028') {
        escape = "\\u2028";
      } else if (c == '\u2029') {
        escape = "\\u2029";
      } else {
        continue;
      }
      out.append(s, last, i).append(escape);
      last = i + 1;
    }
    out.append(s, last, s.length()).append('"');
  }
}
