package dev.parley.chat.examples;

import dev.parley.chat.netty.HttpRoute;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.socketio.SocketIoClient;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A live chat behind a login (the "live chat with session" seed). {@code POST /user/login} with form
 * fields {@code username} and {@code password} starts a session, kept in memory and named by the
 * {@value #COOKIE} cookie; {@code GET /chat} serves the chat page to a logged-in user and redirects
 * anyone else to the login page; {@code GET /} redirects to {@code /chat}.
 *
 * <p>The credential check is a demo: any username of 1 to 20 letters, digits or {@code _} logs in with
 * the password {@value #DEMO_PASSWORD}. A real application checks a user store here.
 *
 * <p>Socket.IO: a connection without a valid session cookie is refused ({@code connect_error}). On
 * connect the user gets {@code system} "hello <username>" and everyone else {@code broadcast}
 * "<username> connected"; {@code chat message} (a string, or {@code {msg}}) reaches everyone else as
 * {@code {username, msg}} with the session's username, whatever name the client sent; a disconnect
 * sends {@code broadcast} "<username> disconnected".
 *
 * <p>Shows: HTTP routes next to Socket.IO, and refusing Socket.IO connections by cookie.
 */
final class SessionExample {
  /** The session cookie's name. */
  static final String COOKIE = "parley.sid";
  /** The one password the demo accepts, for any valid username. */
  static final String DEMO_PASSWORD = "parley-demo";

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_]{1,20}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Logged-in sessions: cookie value to username. */
  private final Map<String, String> sessions = new ConcurrentHashMap<>();

  private SessionExample() {}

  static void run(Listen listen) throws InterruptedException {
    start(listen).awaitShutdown("Session chat (log in at /user/login, any name, password " + DEMO_PASSWORD + ") is running");
  }

  static Running start(Listen listen) {
    SessionExample app = new SessionExample();
    NettyChatServer server = NettyChatServer.builder(listen.config().build())
        .httpRoute("/", request -> HttpRoute.Response.redirect("/chat"))
        .httpRoute("/user/login", app::login)
        .httpRoute("/chat", request -> app.user(request.cookie(COOKIE))
            .map(user -> HttpRoute.Response.html(chatPage(user)))
            .orElse(HttpRoute.Response.redirect("/user/login")))
        .onSocketIo(io -> io.of("/")
            // The session's user becomes the socket's: client.user() from here on.
            .onConnect(handshake -> app.user(handshake.cookie(COOKIE))
                .map(ConnectDecision::acceptAs)
                .orElse(ConnectDecision.reject("Please log in")))
            .onConnection(client -> {
              String user = username(client);
              client.broadcast().emit("broadcast", user + " connected");
              client.emit("system", "hello " + user);
            })
            .on("chat message", (client, args, ack) -> {
              Object arg = args.isEmpty() ? null : args.get(0);
              Object msg = arg instanceof Map<?, ?> m ? m.get("msg") : arg;
              if (msg != null) {
                // The name is the session's, never the one the client put in the message.
                client.broadcast().emit("chat message", Map.of("username", username(client), "msg", msg));
              }
            })
            .onDisconnect((client, reason) -> client.broadcast().emit("broadcast", username(client) + " disconnected")))
        .build();
    server.start().toCompletableFuture().join();
    return new Running(server, null);
  }

  private static String username(SocketIoClient client) {
    return client.user().orElseThrow(); // every socket here was accepted as its session's user
  }

  private Optional<String> user(Optional<String> sessionCookie) {
    return sessionCookie.map(sessions::get);
  }

  private HttpRoute.Response login(HttpRoute.Request request) {
    if (!request.method().equals("POST")) {
      return HttpRoute.Response.html(loginPage(""));
    }
    Map<String, String> form = request.form();
    String username = form.getOrDefault("username", "");
    if (!USERNAME.matcher(username).matches() || !DEMO_PASSWORD.equals(form.get("password"))) {
      HttpRoute.Response page = HttpRoute.Response.html(loginPage("Wrong username or password."));
      return new HttpRoute.Response(401, page.headers(), page.body());
    }
    byte[] id = new byte[24];
    RANDOM.nextBytes(id);
    String session = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    sessions.put(session, username);
    return HttpRoute.Response.redirect("/chat")
        .withHeader("Set-Cookie", COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Lax");
  }

  private static String loginPage(String error) {
    return "<!doctype html><meta charset=utf-8><title>Log in</title>"
        + "<p>" + error + "</p>"
        + "<form method=post action=/user/login>"
        + "<label>Username <input name=username required></label> "
        + "<label>Password <input name=password type=password required></label> "
        + "<button>Log in</button></form>"
        + "<p>Demo: any name of letters and digits, password <code>" + DEMO_PASSWORD + "</code>.</p>";
  }

  /** The page only greets; the user's name is safe in HTML (letters, digits and '_' only). */
  private static String chatPage(String user) {
    return "<!doctype html><meta charset=utf-8><title>Chat</title>"
        + "<h1>Chat</h1><p id=user data-username=\"" + user + "\">Logged in as " + user + ".</p>"
        + "<p>A socket.io client on this page connects to <code>/socket.io/</code> with the session cookie; "
        + "it emits <code>chat message</code> and listens to <code>system</code>, <code>broadcast</code> and "
        + "<code>chat message</code>.</p>";
  }
}
