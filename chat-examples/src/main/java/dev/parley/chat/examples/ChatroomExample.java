package dev.parley.chat.examples;

import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.socketio.Namespace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One shared chat room whose whole content is sent to every client after each change (the React
 * "chat room" seed). The server keeps the room data itself, as a list of entries, and every change
 * emits the complete list as {@code RetrieveChatRoomData} to every client, the sender included.
 *
 * <p>Client to server: {@code CreateUserData} (answered with {@code SetUserData {userID, username}},
 * a random readable name and a UUID, unique among connected clients); {@code UserEnteredRoom
 * {userID, username}} (adds "<username> has entered the chat"); {@code SendMessage} with any object
 * (added as it is); {@code ClearChat} (empties the room). A client that entered and disconnects adds
 * "<username> has left the chat". The room keeps its last {@value #MAX_ENTRIES} entries only.
 *
 * <p>Shows: state owned by the application, {@link dev.parley.chat.socketio.SocketIoClient#data()}
 * for per-connection data, and emitting to everyone from a handler.
 */
final class ChatroomExample {
  /** How many entries the room keeps; older ones are dropped. */
  static final int MAX_ENTRIES = 100;

  private static final List<String> ADJECTIVES = List.of("Brave", "Calm", "Clever", "Eager", "Gentle", "Happy",
      "Jolly", "Kind", "Lively", "Proud", "Quiet", "Swift", "Witty", "Bright", "Bold", "Merry");
  private static final List<String> NAMES = List.of("Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara",
      "Ken", "Frances", "Edsger", "Radia", "Guido", "Hedy", "Niklaus", "Donald", "Katherine");

  /** The room data, oldest first. Guarded by itself: a change and its emit happen together. */
  private final Deque<Map<String, Object>> roomData = new ArrayDeque<>();
  /** Names held by connected clients, so that each connection gets its own. */
  private final Set<String> namesInUse = ConcurrentHashMap.newKeySet();
  private Namespace everyone;

  private ChatroomExample() {}

  static void run(Listen listen) throws InterruptedException {
    start(listen).awaitShutdown("Chat room (CreateUserData, UserEnteredRoom, SendMessage, ClearChat) is running");
  }

  static Running start(Listen listen) {
    ChatroomExample room = new ChatroomExample();
    NettyChatServer server = NettyChatServer.builder(listen.config().allowedOrigins(Set.of("*")).build())
        .onSocketIo(io -> room.serve(io.of("/")))
        .build();
    server.start().toCompletableFuture().join();
    return new Running(server, null);
  }

  private void serve(Namespace ns) {
    everyone = ns;
    ns.on("CreateUserData", (client, args, ack) -> {
      String name = uniqueName();
      String previous = (String) client.data().put("generatedName", name);
      if (previous != null) {
        namesInUse.remove(previous);
      }
      Map<String, Object> userData = new LinkedHashMap<>();
      userData.put("userID", UUID.randomUUID().toString());
      userData.put("username", name);
      client.emit("SetUserData", userData);
    });
    ns.on("UserEnteredRoom", (client, args, ack) -> {
      Object username = args.isEmpty() || !(args.get(0) instanceof Map<?, ?> user) ? null : user.get("username");
      if (username == null) {
        return; // the seed's client always sends the userData it was given
      }
      client.data().put("enteredAs", String.valueOf(username));
      change(data -> data.add(notice(username + " has entered the chat")));
    });
    ns.on("SendMessage", (client, args, ack) -> {
      if (!args.isEmpty() && args.get(0) != null) {
        Object message = args.get(0);
        change(data -> data.add(message instanceof Map<?, ?> m ? copy(m) : Map.of("message", message)));
      }
    });
    ns.on("ClearChat", (client, args, ack) -> change(Deque::clear));
    ns.onDisconnect((client, reason) -> {
      Object name = client.data().get("generatedName");
      if (name != null) {
        namesInUse.remove(name);
      }
      Object entered = client.data().get("enteredAs");
      if (entered != null) {
        change(data -> data.add(notice(entered + " has left the chat")));
      }
    });
  }

  /** Applies a change, trims the room to its bound, and sends everyone the whole room data. */
  private void change(java.util.function.Consumer<Deque<Map<String, Object>>> update) {
    synchronized (roomData) {
      update.accept(roomData);
      while (roomData.size() > MAX_ENTRIES) {
        roomData.removeFirst();
      }
      everyone.emit("RetrieveChatRoomData", new ArrayList<>(roomData));
    }
  }

  /** An entry shaped as the seed's notices: a message and empty sender fields. */
  private static Map<String, Object> notice(String text) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("message", text);
    entry.put("username", "");
    entry.put("userID", 0L);
    entry.put("timeStamp", null);
    return entry;
  }

  private static Map<String, Object> copy(Map<?, ?> m) {
    Map<String, Object> entry = new LinkedHashMap<>();
    m.forEach((k, v) -> entry.put(String.valueOf(k), v));
    return entry;
  }

  /** An adjective and a name, such as "SwiftAda"; a number is added if all tries are taken. */
  private String uniqueName() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; ; attempt++) {
      String name = ADJECTIVES.get(random.nextInt(ADJECTIVES.size())) + NAMES.get(random.nextInt(NAMES.size()))
          + (attempt < 10 ? "" : String.valueOf(random.nextInt(100, 100_000)));
      if (namesInUse.add(name)) {
        return name;
      }
    }
  }
}
