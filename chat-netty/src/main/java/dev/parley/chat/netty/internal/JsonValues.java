package dev.parley.chat.netty.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;

/**
 * Gson trees to plain Java values and back, for both wire protocols: objects become {@code Map},
 * arrays {@code List}, integers {@code Long}, other numbers {@code Double}. Socket.IO adds binary:
 * {@code byte[]} values travel as placeholders with attachments.
 */
public final class JsonValues {
  /** Nulls are values in payloads and must arrive as sent. */
  private static final Gson GSON = new GsonBuilder().serializeNulls().create();

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
      List<Object> list = new ArrayList<>(e.getAsJsonArray().size());
      for (JsonElement item : e.getAsJsonArray()) {
        list.add(toJava(item, substitution));
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
        map.put(en.getKey(), toJava(en.getValue(), substitution));
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
    BigDecimal number = p.getAsBigDecimal();
    try {
      return number.longValueExact();
    } catch (ArithmeticException notAnExactLong) {
      return number.doubleValue();
    }
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
}
