package dev.parley.chat.netty.internal.socketio;

/**
 * One Socket.IO packet (protocol v5), with binary attachments already put back in place.
 *
 * @param type 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK
 * @param namespace the namespace, "/" by default
 * @param ackId the acknowledgement id, or -1
 * @param data the payload as Java values (Map, List, String, Long, Double, Boolean, null, byte[]), or
 *     {@code null} when absent
 */
record Packet(int type, String namespace, long ackId, Object data) {
  public static final int CONNECT = 0;
  public static final int DISCONNECT = 1;
  public static final int EVENT = 2;
  public static final int ACK = 3;
  public static final int CONNECT_ERROR = 4;
  public static final int BINARY_EVENT = 5;
  public static final int BINARY_ACK = 6;
}
