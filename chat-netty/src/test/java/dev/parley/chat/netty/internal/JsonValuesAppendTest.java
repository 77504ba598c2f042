package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonValues#append} writes what the tree did, {@code write(toJson(value, binaries))}, to
 * the character, and numbers the same binaries in the same order: every Socket.IO packet a client
 * gets is written by it.
 */
class JsonValuesAppendTest {

  record Point(int x, String label, Double weight) {}

  /** Both ways, compared: the text and the binaries each found. */
  private static void sameAsTree(Object value) {
    List<byte[]> treeBinaries = new ArrayList<>();
    String tree = JsonValues.write(JsonValues.toJson(value, treeBinaries));
    List<byte[]> appendedBinaries = new ArrayList<>();
    StringBuilder appended = new StringBuilder("prefix:");
    JsonValues.append(appended, value, appendedBinaries);
    assertThat(appended.toString()).isEqualTo("prefix:" + tree);
    assertThat(appendedBinaries).containsExactlyElementsOf(treeBinaries);
  }

  @Test
  void everyCharacterIsEscapedAsGsonEscapesIt() {
    StringBuilder all = new StringBuilder();
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      all.append((char) c); // lone surrogates included
    }
    sameAsTree(all.toString());
    sameAsTree(Map.of(all.toString(), all.toString()));
    for (int c = 0; c < 0x3000; c++) {
      sameAsTree("a" + (char) c + "b");
    }
  }

  @Test
  void scalarsOfEveryKind() {
    for (Object v : new Object[] {null, "", "plain", 0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 7, Integer.MIN_VALUE,
        (short) -3, (byte) 9, true, false, 1.0, -0.0, 1e300, 2.5e-8, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 1.5f, Float.NaN, new BigDecimal("1.50"), new BigInteger("123456789012345678901234567890"),
        new AtomicLong(42), 'x', '<', '\u2028'}) {
      sameAsTree(v);
      sameAsTree(Arrays.asList("k", v));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("v", v);
      sameAsTree(m);
    }
  }

  @Test
  void containersTreesAndObjects() {
    JsonObject tree = new JsonObject();
    tree.addProperty("a", 1);
    tree.add("b", new JsonArray());
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("room", "r<1>");
    nested.put("members", List.of("ann", "bob"));
    nested.put("history", List.of());
    nested.put("empty", Map.of());
    nested.put("array", new Object[] {1L, "two", null, new Object[0]});
    nested.put("tree", tree);
    nested.put("record", new Point(3, "p'q", null));
    nested.put("nothing", null);
    sameAsTree(nested);
    sameAsTree(new Object[] {"event", nested, List.of(nested)});
    sameAsTree(tree);
    sameAsTree(new Point(1, "x", 2.0));
  }

  @Test
  void mapsWithOtherKeysAsTheTreeMadeThem() {
    Map<Object, Object> colliding = new LinkedHashMap<>();
    colliding.put(1, "number");
    colliding.put("1", "string");
    colliding.put(null, "null key");
    colliding.put("z", "last");
    sameAsTree(colliding);
    Map<Object, Object> mixed = new HashMap<>();
    mixed.put(2.5, List.of(true));
    mixed.put("k", new byte[] {1});
    sameAsTree(Map.of("outer", mixed));
  }

  @Test
  void binariesArePlaceholdersNumberedInOrder() {
    byte[] a = {1, 2};
    byte[] b = {3};
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("first", a);
    m.put("list", List.of("x", b, Map.of("again", a)));
    sameAsTree(new Object[] {"upload", m, b});
  }

  @Test
  void binaryWithoutAListIsRefusedAsBefore() {
    assertThatThrownBy(() -> JsonValues.append(new StringBuilder(), List.of(new byte[] {1}), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("binary data cannot be sent over this protocol");
  }

  @Test
  void randomValues() {
    Random random = new Random(16);
    for (int i = 0; i < 2000; i++) {
      sameAsTree(randomValue(random, 4));
    }
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth == 0 ? 6 : 9);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return random.nextLong();
      case 2:
        return random.nextBoolean();
      case 3:
        return random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      case 4:
        return random.nextInt();
      case 5: {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(12); n > 0; n--) {
          s.append((char) (random.nextBoolean() ? random.nextInt(128) : random.nextInt(Character.MAX_VALUE + 1)));
        }
        return s.toString();
      }
      case 6: {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int n = random.nextInt(5); n > 0; n--) {
          m.put(randomValue(random, 0) instanceof String s ? s : "k" + n, randomValue(random, depth - 1));
        }
        return m;
      }
      case 7: {
        List<Object> l = new ArrayList<>();
        for (int n = random.nextInt(5); n > 0; n--) {
          l.add(randomValue(random, depth - 1));
        }
        return l;
      }
      default:
        return new byte[random.nextInt(3)];
    }
  }
}
