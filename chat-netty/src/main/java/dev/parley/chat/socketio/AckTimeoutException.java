package dev.parley.chat.socketio;

import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A broadcast's acknowledgements did not all arrive in time ({@link Broadcast#emitWithAck}), as
 * socket.io's {@code "operation has timed out"} error: the responses that did arrive are here, as
 * socket.io passes them beside the error. Immutable.
 */
public final class AckTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  private final transient List<List<Object>> responses;

  /**
   * @param message what timed out
   * @param responses the acknowledgements' arguments received before the timeout, one list per
   *     recipient that answered
   */
  public AckTimeoutException(String message, List<List<Object>> responses) {
    super(message);
    this.responses = List.copyOf(responses);
  }

  /** The acknowledgements received before the timeout, one list of arguments per recipient. */
  public List<List<Object>> responses() {
    return responses;
  }
}
