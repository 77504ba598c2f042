package dev.parley.chat.netty.internal;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable ids: Engine.IO session ids, Socket.IO socket ids and private session ids. Thread-safe. */
public final class RandomIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Thread-safe, so one for all ids rather than one made for each. */
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private RandomIds() {}

  /** 120 random bits, URL-safe base64 without padding: 20 characters. */
  public static String next() {
    byte[] bytes = new byte[15];
    RANDOM.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }
}
