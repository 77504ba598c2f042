package dev.parley.chat.cluster.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One of the engine's Lua scripts (the .lua files beside this class), with its SHA-1 so that it is
 * called with EVALSHA and sent whole only when Redis does not know it (first use, or after a
 * restart). Immutable.
 */
record Script(String name, byte[] text, String sha) {
  static final Script NEXT_ID = load("next-id", "id");
  static final Script PUBLISH = load("publish", "order", "id");
  static final Script SNAPSHOT = load("snapshot");
  static final Script RANGE = load("range");
  static final Script AFTER = load("after", "order");
  static final Script CLAIM = load("claim");
  static final Script RELEASE = load("release");
  static final Script ENTER = load("enter");
  static final Script EXIT = load("exit");
  static final Script REAP = load("reap");
  static final Script ROUTE = load("route");
  static final Script BEAT = load("beat");
  static final Script REGISTER = load("register");

  /** The script {@code name}.lua, after the shared fragments {@code fragments}.lua. */
  private static Script load(String name, String... fragments) {
    StringBuilder all = new StringBuilder();
    for (String fragment : fragments) {
      all.append(read(fragment)).append('\n');
    }
    String text = all.append(read(name)).toString();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      return new Script(name, bytes, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }

  private static String read(String name) {
    try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script " + name + ".lua");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
