package dev.parley.chat.bench.load;

/** Parley's JSON protocol at {@code /chat} (docs/protocol.md). */
final class JsonDriver implements Driver {
  private static final byte[] DELIVERY = Driver.ascii("{\"type\":\"message\"");

  @Override
  public String name() {
    return "json";
  }

  @Override
  public String path() {
    return "/chat";
  }

  @Override
  public void opened(Conn c) {
    // The protocol lets requests go before welcome arrives; they wait for the connect hook.
    c.send("{\"type\":\"join\",\"id\":\"j\",\"room\":\"" + c.room + "\",\"username\":\"" + c.user + "\"}");
  }

  @Override
  public void control(Conn c, String frame) {
    if (frame.contains("\"type\":\"joined\"")) {
      c.joinDone();
    } else if (frame.contains("\"type\":\"error\"")) {
      c.error(frame);
    }
  }

  @Override
  public byte[] deliveryPrefix() {
    return DELIVERY;
  }

  @Override
  public String roomMessage(String room, String text) {
    return "{\"type\":\"message\",\"room\":\"" + room + "\",\"text\":\"" + text + "\"}";
  }

  @Override
  public String privateMessage(String to, String text) {
    return "{\"type\":\"private\",\"to\":\"" + to + "\",\"text\":\"" + text + "\"}";
  }
}
