package dev.parley.chat.internal;

import java.security.SecureRandom;
import java.util.Random;

/** Validation of user and room names, and readable random usernames. */
final class Names {
  /**
   * Besides letters and digits of any script, a username's characters: no spaces, so "@name text"
   * parses.
   */
  private static final String USERNAME_MARKS = "_.-";
  /** As for usernames, plus {@code # :} which room naming schemes often use. */
  private static final String ROOM_MARKS = "_.:#-";
  /**
   * The general categories of letters (L) and numbers (N), as the regular expression {@code
   * [\p{L}\p{N}]} matches them, one bit each.
   */
  private static final int LETTERS_AND_NUMBERS = 1 << Character.UPPERCASE_LETTER | 1 << Character.LOWERCASE_LETTER
      | 1 << Character.TITLECASE_LETTER | 1 << Character.MODIFIER_LETTER | 1 << Character.OTHER_LETTER
      | 1 << Character.DECIMAL_DIGIT_NUMBER | 1 << Character.LETTER_NUMBER | 1 << Character.OTHER_NUMBER;

  private static final String[] ADJECTIVES = {
    "Amber", "Bold", "Brave", "Breezy", "Bright", "Calm", "Clever", "Cosmic", "Curious", "Dapper",
    "Eager", "Fancy", "Fearless", "Gentle", "Glad", "Golden", "Happy", "Humble", "Jolly", "Keen",
    "Kind", "Lively", "Lucky", "Mellow", "Merry", "Mighty", "Nimble", "Noble", "Plucky", "Polite",
    "Quick", "Quiet", "Rapid", "Rosy", "Shiny", "Silent", "Sunny", "Swift", "Witty", "Zesty"
  };
  private static final String[] ANIMALS = {
    "Badger", "Beaver", "Bison", "Crane", "Dingo", "Dolphin", "Eagle", "Falcon", "Ferret", "Finch",
    "Fox", "Gecko", "Heron", "Ibis", "Jackal", "Koala", "Lemur", "Lynx", "Magpie", "Marmot",
    "Moose", "Newt", "Ocelot", "Otter", "Owl", "Panda", "Puffin", "Quokka", "Raven", "Robin",
    "Salmon", "Seal", "Sparrow", "Stoat", "Tapir", "Toucan", "Walrus", "Wombat", "Yak", "Zebra"
  };

  private final int maxUsernameLength;
  private final int maxRoomNameLength;
  private final Random random = new SecureRandom();

  Names(int maxUsernameLength, int maxRoomNameLength) {
    this.maxUsernameLength = maxUsernameLength;
    this.maxRoomNameLength = maxRoomNameLength;
  }

  boolean isValidUsername(String name) {
    return name != null && !name.isEmpty() && name.length() <= maxUsernameLength && only(name, USERNAME_MARKS);
  }

  boolean isValidRoom(String name) {
    return name != null && !name.isEmpty() && name.length() <= maxRoomNameLength && only(name, ROOM_MARKS);
  }

  /**
   * Whether every code point of {@code name} is a letter or a number of any script, or one of {@code
   * marks}: what a regular expression such as {@code [\p{L}\p{N}_.\-]+} matches, without the
   * regular expression engine on every join (an unpaired surrogate is neither, as there).
   */
  static boolean only(String name, String marks) {
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      if ((LETTERS_AND_NUMBERS >> Character.getType(c) & 1) == 0 && marks.indexOf(c) < 0) {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }

  String usernameRule() {
    return "1 to " + maxUsernameLength + " letters, digits, '_', '.' or '-'";
  }

  String roomRule() {
    return "1 to " + maxRoomNameLength + " letters, digits, '_', '.', ':', '#' or '-'";
  }

  /**
   * A readable name such as "SwiftOtter"; after a few collisions, digits are added. Where the length
   * limit leaves no room for words, the name is digits only.
   */
  String randomUsername(int attempt) {
    String base = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + ANIMALS[random.nextInt(ANIMALS.length)];
    String digits = Integer.toString(100 + random.nextInt(9900));
    String name = attempt < 4 ? base : base + digits;
    if (name.length() <= maxUsernameLength) {
      return name;
    }
    char[] fallback = new char[Math.min(maxUsernameLength, 12)];
    for (int i = 0; i < fallback.length; i++) {
      fallback[i] = (char) ('0' + random.nextInt(10));
    }
    return new String(fallback);
  }
}
