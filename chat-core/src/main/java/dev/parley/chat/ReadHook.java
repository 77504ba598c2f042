package dev.parley.chat;

/**
 * Decides whether others learn what a user read: called when a client moves its read marker forward
 * in a room whose read receipts are on ({@link ChatConfig#roomReadReceipts()}) or in a private
 * conversation, before the {@code read} receipt goes to the room's other members (or to the other
 * user of the conversation). A rejection keeps the receipt from them, nothing more: the marker still
 * moves, the user's own other connections still learn of it, and the client is sent no error (the
 * rejection's code and message are not used). That is how an application lets users hide their read
 * receipts, per user and room. Without this hook every receipt the configuration allows is sent.
 *
 * <p>Threading: runs on the hook executor, once per marker that moved forward (at most {@link
 * ChatConfig#readsPerSecond()} a second per connection), and may block, held to {@link
 * ChatConfig#hookTimeout()}; on a timeout the client gets {@link ErrorCodes#HOOK_TIMEOUT} and no
 * receipt is sent, though the marker moved. A hook that throws withholds the receipt, as a rejection
 * does, and is logged.
 */
@FunctionalInterface
public interface ReadHook {
  /**
   * Decides whether a read receipt is sent.
   *
   * @param read who read how far, where
   * @return accept to send the receipt, reject to withhold it
   * @throws Exception on failure
   */
  Decision onRead(ReadContext read) throws Exception;
}
