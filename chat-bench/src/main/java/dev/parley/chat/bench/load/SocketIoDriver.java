package dev.parley.chat.bench.load;

/**
 * Socket.IO v4 over WebSocket only, with the chat events every compared server speaks: {@code join
 * room} with an acknowledgement, {@code new message}, {@code new pm}. Only what the load needs of
 * Engine.IO is done: the open packet, pongs to pings, the namespace connect.
 */
final class SocketIoDriver implements Driver {
  private static final byte[] DELIVERY = Driver.ascii("42[\"new message\"");

  @Override
  public String name() {
    return "socketio";
  }

  @Override
  public String path() {
    return "/socket.io/?EIO=4&transport=websocket";
  }

  @Override
  public void opened(Conn c) {
    // The server speaks first, with the Engine.IO open packet.
  }

  @Override
  public void control(Conn c, String frame) {
    if (frame.equals("2")) {
      c.send("3");
    } else if (frame.startsWith("0{")) {
      c.send("40");
    } else if (frame.startsWith("40")) {
      c.send("421[\"join room\",{\"roomname\":\"" + c.room + "\",\"username\":\"" + c.user + "\"}]");
    } else if (frame.startsWith("431[")) {
      if (frame.contains("\"error\":true")) {
        c.error(frame);
      } else {
        c.joinDone();
      }
    } else if (frame.startsWith("44") || frame.startsWith("41") || frame.equals("1")) {
      c.error(frame);
    } else if (frame.startsWith("42[\"new message\"") && frame.contains("\"error\":true")) {
      c.error(frame);
    }
  }

  @Override
  public byte[] deliveryPrefix() {
    return DELIVERY;
  }

  @Override
  public String roomMessage(String room, String text) {
    return "42[\"new message\",{\"room\":\"" + room + "\",\"message\":\"" + text + "\"}]";
  }

  @Override
  public String privateMessage(String to, String text) {
    return "42[\"new pm\",{\"target\":\"" + to + "\",\"message\":\"" + text + "\"}]";
  }
}
