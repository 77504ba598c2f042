package dev.parley.chat.cluster;

/**
 * A {@link ClusterEngine} cannot reach the state the nodes share (for example Redis is down or did
 * not answer in time). The server answers the request with {@link
 * dev.parley.chat.ErrorCodes#CLUSTER_UNAVAILABLE} and the connection stays open, so the client can
 * try again; only a connection whose connect hook named a user the cluster cannot be asked about is
 * closed after that error, with 1001. An action's stage fails with a {@link
 * dev.parley.chat.ChatException} of that code, and a query throws one.
 *
 * <p>Threading and lifecycle: immutable once made; safe to pass between threads, as the failure of a
 * stage completed on an engine thread.
 */
public final class ClusterUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClusterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
