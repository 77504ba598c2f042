package dev.parley.chat.internal;

import java.security.SecureRandom;
import java.util.Random;
import java.util.regex.Pattern;

/** Validation of user and room names, and readable random usernames. */
final class Names {
  /** Letters and digits of any script, and {@code _ . -}. No spaces, so "@name text" parses. */
  private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]+");
  /** As for usernames, plus {@code # :} which room naming schemes often use. */
  private static final Pattern ROOM = Pattern.compile("[\\p{L}\\p{N}_.:#\\-]+");

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
    return name != null && !name.isEmpty() && name.length() <= maxUsernameLength && USERNAME.matcher(name).matches();
  }

  boolean isValidRoom(String name) {
    return name != null && !name.isEmpty() && name.length() <= maxRoomNameLength && ROOM.matcher(name).matches();
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
