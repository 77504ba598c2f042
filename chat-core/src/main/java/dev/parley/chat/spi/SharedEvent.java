package dev.parley.chat.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * One event on its way to several connections, with its encodings: the server makes one for each
 * event it sends to more than one connection (a room's message, presence, clear or typing indicator, whether it was
 * sent on this node or delivered from another node of the cluster; a user's private message to
 * each of the user's connections) and hands the same instance to every recipient's {@link
 * ClientConnection#send(SharedEvent)}. A transport asks it for the event in its wire format with
 * {@link #encoded(Encoding)}: the first recipient's call encodes, every later one gets the same
 * value back, so a broadcast is encoded once per format however many recipients it has.
 *
 * <p>Thread-safe: recipients may be sent the event from several threads. {@link #encoded} encodes
 * without holding a lock, so one recipient's encoding never makes another wait; two threads that
 * ask for the same format at the same moment may both encode it, and then the first to finish wins:
 * both get its value, and the other is dropped. (Recipients are normally handed the event in turn,
 * so that race is rare; waiting for each other would cost every send a lock held through an
 * encoding.) The event and its
 * encodings live as long as some recipient holds the instance, normally only while the server hands
 * it out.
 */
public final class SharedEvent {
  private final ServerEvent event;
  // One or two formats cover a node (the JSON protocol, Socket.IO): inline, so a fan-out allocates
  // nothing more; further ones go to an array of key-value pairs.
  private Encoding<?> key1;
  private Object value1;
  private Encoding<?> key2;
  private Object value2;
  private Object[] more;

  /**
   * @param event the event every recipient is sent
   */
  public SharedEvent(ServerEvent event) {
    this.event = Objects.requireNonNull(event, "event");
  }

  /** The event every recipient is sent. */
  public ServerEvent event() {
    return event;
  }

  /**
   * The event in one format, encoded by the first call with this encoding and shared by all later
   * ones. Encodes outside any lock: calls racing for the same format may each encode, and all of
   * them return the value of the first to finish.
   *
   * @param encoding the format, one instance per format (the instance is the key; a new lambda on
   *     each call would encode each time)
   * @param <T> what the format produces, for example the bytes of a frame; recipients share it, so
   *     it must not be changed
   * @return what {@code encoding} made of the event, the same instance for every call
   */
  public <T> T encoded(Encoding<T> encoding) {
    Objects.requireNonNull(encoding, "encoding");
    T known = lookup(encoding);
    if (known != null) {
      return known;
    }
    T value = Objects.requireNonNull(encoding.encode(event), "encoding");
    return storeUnlessRaced(encoding, value);
  }

  @SuppressWarnings("unchecked")
  private synchronized <T> T lookup(Encoding<T> encoding) {
    if (key1 == encoding) {
      return (T) value1;
    }
    if (key2 == encoding) {
      return (T) value2;
    }
    if (more != null) {
      for (int i = 0; i < more.length; i += 2) {
        if (more[i] == encoding) {
          return (T) more[i + 1];
        }
      }
    }
    return null;
  }

  /** Keeps {@code value} unless another call stored this format first; returns what is kept. */
  private synchronized <T> T storeUnlessRaced(Encoding<T> encoding, T value) {
    T first = lookup(encoding);
    if (first != null) {
      return first;
    }
    if (key1 == null) {
      key1 = encoding;
      value1 = value;
    } else if (key2 == null) {
      key2 = encoding;
      value2 = value;
    } else {
      int at = more == null ? 0 : more.length;
      more = more == null ? new Object[2] : Arrays.copyOf(more, at + 2);
      more[at] = encoding;
      more[at + 1] = value;
    }
    return value;
  }

  @Override
  public String toString() {
    return "SharedEvent{" + event + '}';
  }

  /**
   * A wire format: turns an event into what a transport sends. Keep one instance per format.
   *
   * @param <T> what it makes, for example the bytes of a frame
   */
  @FunctionalInterface
  public interface Encoding<T> {
    /**
     * Encodes an event.
     *
     * @param event the event
     * @return the encoded event, never {@code null}
     */
    T encode(ServerEvent event);
  }
}
