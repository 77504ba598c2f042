package dev.parley.chat.internal;

import dev.parley.chat.ChatException;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.internal.logging.OutageLog;
import java.util.function.Supplier;

/**
 * Reads of the history store, by the server and the in-process engine: a store that fails is the
 * client's {@code HISTORY_UNAVAILABLE}, not a server bug. Stateless.
 */
public final class StoreReads {
  private StoreReads() {}

  /**
   * Makes a read.
   *
   * @throws ChatException {@code HISTORY_UNAVAILABLE} if it failed (logged at ERROR, at most once per
   *     {@link OutageLog#INTERVAL}: see {@link OutageLog})
   */
  public static <T> T read(Supplier<T> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      OutageLog.STORE.error("history store read failed", e);
      throw new ChatException(ErrorCodes.HISTORY_UNAVAILABLE, "History cannot be read right now; try again later");
    }
  }
}
