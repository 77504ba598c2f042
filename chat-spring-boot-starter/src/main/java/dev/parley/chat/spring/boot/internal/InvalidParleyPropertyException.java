package dev.parley.chat.spring.boot.internal;

/**
 * A {@code parley.*} property whose value the library's configuration builder refused. The message
 * names the property group and repeats the builder's reason, which names the option in camel case
 * ({@code pingTimeout} for {@code parley.netty.ping-timeout}).
 */
public final class InvalidParleyPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidParleyPropertyException(String prefix, IllegalArgumentException cause) {
    super("Invalid " + prefix + ".* property: " + cause.getMessage(), cause);
  }
}
