package dev.parley.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Names accepts exactly what the regular expressions it stood for accept: letters and numbers of
 * any script (Unicode categories L and N, whole code points) and its marks.
 */
class NamesTest {
  private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]+");
  private static final Pattern ROOM = Pattern.compile("[\\p{L}\\p{N}_.:#\\-]+");
  private final Names names = new Names(64, 64);

  private void sameAsPatterns(String name) {
    assertThat(names.isValidUsername(name)).as("username %s", name).isEqualTo(USERNAME.matcher(name).matches());
    assertThat(names.isValidRoom(name)).as("room %s", name).isEqualTo(ROOM.matcher(name).matches());
  }

  @Test
  void everyCodePointAloneAndBetweenOthers() {
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      String one = new String(Character.toChars(c)); // a lone surrogate too, for 0xD800 to 0xDFFF
      sameAsPatterns(one);
      sameAsPatterns("a" + one + "1");
    }
  }

  @Test
  void surrogatesPairedOrNot() {
    String pair = new String(Character.toChars(0x1D400)); // MATHEMATICAL BOLD CAPITAL A, a letter
    for (String name : new String[] {pair, pair.substring(0, 1), pair.substring(1), pair + pair.charAt(0),
        pair.charAt(1) + pair, "x" + pair.charAt(1) + pair.charAt(0), "ab#:c", "a b", "", "@ann", "ann-1.x_y"}) {
      sameAsPatterns(name);
    }
  }

  @Test
  void randomNames() {
    Random random = new Random(16);
    String common = "aZ09_.-:#@ \u00e9\u4e2d\u0663\u2167\u00b2";
    for (int i = 0; i < 100_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = 1 + random.nextInt(6); n > 0; n--) {
        if (random.nextBoolean()) {
          s.append(common.charAt(random.nextInt(common.length())));
        } else {
          s.append((char) random.nextInt(Character.MAX_VALUE + 1));
        }
      }
      sameAsPatterns(s.toString());
    }
  }

  @Test
  void lengthsStillCount() {
    Names tight = new Names(3, 4);
    assertThat(tight.isValidUsername("abc")).isTrue();
    assertThat(tight.isValidUsername("abcd")).isFalse();
    assertThat(tight.isValidRoom("abcd")).isTrue();
    assertThat(tight.isValidRoom("abcde")).isFalse();
    assertThat(tight.isValidUsername(null)).isFalse();
  }
}
