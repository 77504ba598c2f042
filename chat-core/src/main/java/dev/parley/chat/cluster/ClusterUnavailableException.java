package dev.parley.chat.cluster;

/**
 * A {@link ClusterEngine} cannot reach the state the nodes share (for example Redis is down or did
 * not answer in time). The server answers the request with {@link
 * dev.parley.chat.ErrorCodes#CLUSTER_UNAVAILABLE}; the connection stays open.
 */
public final class ClusterUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClusterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
