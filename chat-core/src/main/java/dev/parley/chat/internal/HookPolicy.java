package dev.parley.chat.internal;

import dev.parley.chat.internal.concurrent.Threads;
import dev.parley.chat.ChatException;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.Decision;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.CloseCodes;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the server calls the application's hooks: those that decide (connect, join, message, clear
 * history, typing, moderation) are held to the hook deadline and their failures refuse the request; those that are told
 * (leave, disconnect) have their failures logged. Thread-safe; one per server.
 */
final class HookPolicy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(dev.parley.chat.ChatServer.class);

  /** A hook that decides about a request: returns its {@code Decision}, {@code MessageDecision} or {@code ClearHistoryDecision}. */
  @FunctionalInterface
  interface Decides {
    Object call() throws Exception;
  }

  /** A hook that is told about something. */
  @FunctionalInterface
  interface Notice {
    void call() throws Exception;
  }

  final DefaultChatServer.Hooks hooks;
  private final HookDeadline deadline;
  private final ChatMetrics metrics;
  /** Whether hooks are timed: not for {@link ChatMetrics#NONE}, which would only throw the time away. */
  private final boolean timed;

  HookPolicy(DefaultChatServer.Hooks hooks, Clock clock, Duration timeout, ChatMetrics metrics) {
    this.hooks = hooks;
    this.deadline = new HookDeadline(clock, timeout);
    this.metrics = metrics;
    this.timed = metrics != ChatMetrics.NONE;
  }

  private long start() {
    return timed ? System.nanoTime() : 0;
  }

  /** Reports how long a hook took, late ones included: the hook's own time, not the deadline's. */
  private void done(ChatMetrics.Hook hook, long start) {
    if (timed) {
      metrics.hookCompleted(hook, System.nanoTime() - start);
    }
  }

  /**
   * Asks the connect hook about a new connection.
   *
   * @return the decision (accept when there is no hook or it returned {@code null}); {@code null} if
   *     the hook missed its deadline and the connection was already refused
   */
  ConnectDecision connect(Session session) {
    if (hooks.connect() == null) {
      return ConnectDecision.accept();
    }
    ConnectDecision result;
    long start = start();
    try {
      result = deadline.call(() -> hooks.connect().onConnect(session.connection.handshake()),
          () -> refuse(session, ErrorCodes.HOOK_TIMEOUT, "The server did not decide about the connection in time"));
    } catch (HookDeadline.Expired e) {
      return null; // refused when the deadline passed: no name is claimed, no welcome sent
    } catch (Throwable e) {
      Threads.rethrowIfFatal(e);
      log.error("connect hook failed; refusing the connection", e);
      return ConnectDecision.reject("The server could not accept the connection");
    } finally {
      done(ChatMetrics.Hook.CONNECT, start);
    }
    return result == null ? ConnectDecision.accept() : result;
  }

  /** Refuses a new connection: an error, then the close. Any thread. */
  static void refuse(Session session, String code, String reason) {
    refuse(session, code, reason, null);
  }

  /** Refuses a new connection with data for transports that send it: an error, then the close. Any thread. */
  static void refuse(Session session, String code, String reason, Object data) {
    session.sendError(null, code, reason, data);
    session.connection.close(CloseCodes.POLICY_VIOLATION, reason);
  }

  /**
   * Calls a hook that decides about a request, held to the hook deadline. A hook that throws refuses
   * the request: with its code if it threw a {@link ChatException}, else {@code INTERNAL_ERROR}.
   *
   * @return what the hook returned; {@link Decision.Accept} for {@code null}, a {@link
   *     Decision.Reject} for a failure. Both belong to every decision type, so a caller checks for
   *     them, and for the others its hook's type permits, with {@code instanceof}
   *
   * @throws HookDeadline.Expired if the hook missed it; the client got {@code HOOK_TIMEOUT}
   */
  Object decide(Session session, String requestId, ChatMetrics.Hook hook, Decides call) {
    long start = start();
    try {
      Object result = deadline.call(call::call,
          () -> session.sendError(requestId, ErrorCodes.HOOK_TIMEOUT, "The server did not decide about the request in time"));
      return result == null ? Decision.accept() : result;
    } catch (HookDeadline.Expired e) {
      throw e;
    } catch (ChatException e) {
      return Decision.reject(e.code(), e.getMessage());
    } catch (Throwable e) {
      Threads.rethrowIfFatal(e);
      log.error("hook failed; the request is refused", e);
      return Decision.reject(ErrorCodes.INTERNAL_ERROR, "The server failed to handle this request");
    } finally {
      done(hook, start);
    }
  }

  /** Calls a hook that is told about something; its failure is logged, nothing more. */
  void tell(ChatMetrics.Hook hook, Notice call) {
    long start = start();
    try {
      call.call();
    } catch (Throwable e) {
      Threads.rethrowIfFatal(e);
      log.error("{} hook failed", hook.name().toLowerCase(java.util.Locale.ROOT), e);
    } finally {
      done(hook, start);
    }
  }


  @Override
  public void close() {
    deadline.close();
  }
}
