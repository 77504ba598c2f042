package dev.parley.chat.internal;

import dev.parley.chat.ChatException;
import dev.parley.chat.ErrorCodes;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads of the history store, by the server and the in-process engine: a store that fails is the
 * client's {@code HISTORY_UNAVAILABLE}, not a server bug. Stateless.
 */
public final class StoreReads {
  private static final Logger log = LoggerFactory.getLogger(dev.parley.chat.ChatServer.class);

  private StoreReads() {}

  /**
   * Makes a read.
   *
   * @throws ChatException {@code HISTORY_UNAVAILABLE} if it failed (logged at ERROR)
   */
  public static <T> T read(Supplier<T> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      log.error("history store read failed", e);
      throw new ChatException(ErrorCodes.HISTORY_UNAVAILABLE, "History cannot be read right now; try again later");
    }
  }
}
