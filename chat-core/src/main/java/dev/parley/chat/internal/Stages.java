package dev.parley.chat.internal;

import dev.parley.chat.ChatException;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.cluster.ClusterUnavailableException;
import dev.parley.chat.internal.concurrent.SerialExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How the server waits for the cluster engine. Requests run on a connection's inbox (a hook thread,
 * never an I/O thread), so they may wait for an engine's stage, for at most {@link #WAIT_SECONDS};
 * actions hand their stage back instead. Either way an engine that cannot reach the shared state is
 * the caller's {@link ErrorCodes#CLUSTER_UNAVAILABLE}. Stateless.
 */
final class Stages {
  /** The longest a request waits for the engine; engines fail sooner, within their own timeout. */
  static final long WAIT_SECONDS = 10;

  private Stages() {}

  /**
   * The stage's value, waited for.
   *
   * @throws ChatException {@code CLUSTER_UNAVAILABLE} if the engine failed to reach the cluster or
   *     did not answer in time; a {@link ChatException} the stage failed with, as is
   */
  static <T> T await(CompletionStage<T> stage) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    if (!future.isDone() && SerialExecutor.runningHere()) {
      // Requests run on I/O threads only when nothing they call can make them wait (see
      // DefaultChatServer#requestsRunHere); waiting here would stall every connection of the thread.
      throw new IllegalStateException("a request would wait for a stage on a transport's I/O thread");
    }
    try {
      return future.isDone() ? future.join() : future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (CompletionException e) {
      throw unwrap(e.getCause());
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    } catch (TimeoutException e) {
      throw unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    }
  }

  /** A stage for an action: failures of the engine become {@code CLUSTER_UNAVAILABLE}. */
  static <T> CompletionStage<T> forAction(CompletionStage<T> stage) {
    CompletableFuture<T> mapped = new CompletableFuture<>();
    stage.whenComplete((value, failure) -> {
      if (failure == null) {
        mapped.complete(value);
      } else {
        mapped.completeExceptionally(unwrap(failure));
      }
    });
    return mapped;
  }

  static <T> CompletionStage<T> failed(Throwable e) {
    return CompletableFuture.failedFuture(e);
  }

  /** What a failure means to the server's caller. */
  static RuntimeException unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ClusterUnavailableException || cause instanceof TimeoutException) {
      return unavailable();
    }
    if (cause instanceof RuntimeException e) {
      return e;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(cause);
  }

  static ChatException unavailable() {
    return new ChatException(ErrorCodes.CLUSTER_UNAVAILABLE, "The chat cluster cannot be reached right now; try again later");
  }
}
