package dev.parley.chat.internal;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.spi.ServerEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Private messages: delivered to every connection of their recipient through the engine, or, with
 * offline messages on and no connection to take them, kept in the recipient's inbox in the history
 * store until their next connection reads it. Thread-safe.
 *
 * <p>A user's inbox lock orders a sender finding the user offline and keeping the message against
 * the user's new connection reading the inbox, so that each message is either delivered live or
 * read from the inbox. The lock is this node's; with the in-process engine every connection is here.
 */
final class OfflineInbox {
  /** Kept private messages read from the store at a time. */
  private static final int INBOX_PAGE = 100;

  private final ClusterEngine engine;
  private final HistoryStore store;
  private final ChatConfig config;
  private final Receipts receipts;
  private final Stripes inboxLocks = new Stripes(64);

  OfflineInbox(ClusterEngine engine, HistoryStore store, ChatConfig config, Receipts receipts) {
    this.receipts = receipts;
    this.engine = engine;
    this.store = store;
    this.config = config;
  }

  /**
   * Delivers a private message (with its final id) to its recipient's connections, or keeps it in
   * their inbox (then it reaches no connection now) when none takes it and offline messages are on.
   * The stage fails with {@code HISTORY_UNAVAILABLE} if the store refuses to keep it.
   */
  CompletionStage<Published> deliver(ChatMessage message) {
    String to = message.recipient();
    ServerEvent event = new ServerEvent.Message(message);
    if (!config.offlineMessages()) {
      return engine.toUser(to, event).thenApply(n -> new Published(message, n, Published.NOTHING_TO_KEEP));
    }
    // With an engine that answers at once, the check and the keeping both happen under the lock.
    synchronized (inboxLocks.of(to)) {
      return engine.toUser(to, event).thenApply(n -> {
        if (n > 0) {
          return new Published(message, n, Published.NOTHING_TO_KEEP);
        }
        // Offline, or every connection refused it (they are closing): kept, like for a user gone.
        CompletableFuture<Void> kept = store.append(HistoryStore.inbox(to), message).toCompletableFuture();
        if (kept.isCompletedExceptionally()) {
          throw new ChatException(
              ErrorCodes.HISTORY_UNAVAILABLE, "The server cannot keep messages right now; try again later");
        }
        return new Published(message, 0, kept);
      });
    }
  }

  /**
   * Sends a user's kept private messages to a connection that just took the name, then removes them.
   * Runs on the session's inbox, before any request that could make the user send or receive more.
   */
  void deliverTo(Session session) {
    if (!config.offlineMessages()) {
      return;
    }
    // The name is claimed and routable, so from now on senders deliver live. Taking the user's lock
    // once waits for a sender that saw the user offline to finish keeping its message, so the read
    // sees it.
    synchronized (inboxLocks.of(session.user())) {
      // A barrier only: the read below may block and must not hold up other senders.
    }
    String inbox = HistoryStore.inbox(session.user());
    String after = null; // the newest kept message this connection took
    try {
      for (;;) {
        String from = after;
        List<ChatMessage> page = StoreReads.read(() -> store.after(inbox, from, INBOX_PAGE));
        for (ChatMessage message : page) {
          ServerEvent.Message event = new ServerEvent.Message(message);
          if (!session.connection.send(event)) {
            return; // the connection is closing (its queue is full): the rest stays kept
          }
          if (Receipts.wantsDelivered(event)) {
            receipts.delivered(session, message);
          }
          after = message.id();
        }
        if (page.size() < INBOX_PAGE) {
          return;
        }
      }
    } catch (ChatException e) {
      // The store cannot be read: what is still kept waits for the user's next connection.
    } finally {
      // Only what a connection took leaves the inbox.
      if (after != null) {
        store.remove(inbox, after);
      }
    }
  }
}
