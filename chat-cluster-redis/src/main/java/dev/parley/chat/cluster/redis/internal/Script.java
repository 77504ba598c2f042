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
  static final Script PUBLISH = load("publish", "id");
  static final Script SNAPSHOT = load("snapshot", null);
  static final Script RANGE = load("range", null);
  static final Script AFTER = load("after", null);
  static final Script CLAIM = load("claim", null);
  static final Script RELEASE = load("release", null);
  static final Script ENTER = load("enter", null);
  static final Script EXIT = load("exit", null);
  static final Script REAP = load("reap", null);
  static final Script ROUTE = load("route", null);
  static final Script BEAT = load("beat", null);
  static final Script REGISTER = load("register", null);

  /** The script {@code name}.lua, after the shared fragment {@code prefix}.lua if given. */
  private static Script load(String name, String prefix) {
    String text = (prefix == null ? "" : read(prefix) + "\n") + read(name);
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
