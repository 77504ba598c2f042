package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.testkit.JsonWebSocketClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with {@link NettyConfig.Builder#tls(Tls)}: a self-signed certificate for 127.0.0.1 made
 * here with the JDK's keytool and written out as PEM, served to the JDK's HTTP and WebSocket client
 * (the JSON protocol over {@code wss://}) and to the official socket.io client in Node (over {@code
 * https://}, long-polling and WebSocket).
 */
class TlsIT {
  private static final String PASSWORD = "test-only";

  @TempDir
  static Path dir;
  private static Path certificate;
  private static Path key;
  private static HttpClient trusting;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    Path store = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "parley", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("keytool.log").toFile())
        .start();
    assertThat(keytool.waitFor(1, TimeUnit.MINUTES)).as("keytool finished").isTrue();
    assertThat(keytool.exitValue()).as("keytool: %s", Files.readString(dir.resolve("keytool.log"))).isZero();
    KeyStore p12 = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      p12.load(in, PASSWORD.toCharArray());
    }
    Certificate cert = p12.getCertificate("parley");
    certificate = pem(dir.resolve("cert.pem"), "CERTIFICATE", cert.getEncoded());
    // An RSA key's encoding in the JDK is PKCS#8, the form Tls.pem reads.
    key = pem(dir.resolve("key.pem"), "PRIVATE KEY", ((PrivateKey) p12.getKey("parley", PASSWORD.toCharArray())).getEncoded());

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("parley", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    trusting = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();

    server = new TestServer(b -> {}, n -> n.tls(Tls.pem(certificate, key)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Path pem(Path file, String type, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }

  /** The next frame of this type, skipping others. */
  private static JsonObject next(JsonWebSocketClient client, String type) {
    return JsonParser.parseString(client.await(frame -> JsonParser.parseString(frame).getAsJsonObject()
        .get("type").getAsString().equals(type))).getAsJsonObject();
  }

  @Test
  void theJsonProtocolRunsOverWss() {
    URI uri = URI.create("wss://127.0.0.1:" + server.port() + "/chat");
    try (JsonWebSocketClient alice = JsonWebSocketClient.connect(trusting, uri, Duration.ofSeconds(10));
        JsonWebSocketClient bob = JsonWebSocketClient.connect(trusting, uri, Duration.ofSeconds(10))) {
      next(alice, "welcome");
      next(bob, "welcome");
      alice.send("{\"type\":\"join\",\"room\":\"tls\",\"username\":\"alice\"}");
      next(alice, "joined");
      bob.send("{\"type\":\"join\",\"room\":\"tls\",\"username\":\"bob\"}");
      next(bob, "joined");
      alice.send("{\"type\":\"message\",\"room\":\"tls\",\"text\":\"over TLS\"}");
      JsonObject message = next(bob, "message").getAsJsonObject("message");
      while (!message.get("kind").getAsString().equals("room")) { // presence notices come first
        message = next(bob, "message").getAsJsonObject("message");
      }
      assertThat(message.get("text").getAsString()).isEqualTo("over TLS");
      assertThat(message.get("sender").getAsString()).isEqualTo("alice");
    }
  }

  @Test
  void socketIoLongPollingAnswersOverHttps() throws Exception {
    HttpResponse<String> open = trusting.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=polling")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.body()).as("an Engine.IO open packet").startsWith("0{\"sid\":");
  }

  @Test
  void aPlainHttpClientGetsNoAnswerAndTheServerStaysQuiet() throws Exception {
    try (LogCapture log = new LogCapture()) {
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=polling"))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
      // Whatever a client sends must not make the server log at WARN or above.
      assertThat(log.await(line -> line.contains(" WARN ") || line.contains(" ERROR "), Duration.ofMillis(500)))
          .as("a WARN or ERROR line in:%n%s", log.text()).isFalse();
    }
  }

  @Test
  void aKeyThatCannotBeReadFailsTheStartNamingBothFiles() throws Exception {
    Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    NettyChatServer bad = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0)
        .tls(Tls.pem(certificate, notAKey)).build()).build();
    try {
      assertThatThrownBy(() -> bad.start().toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(certificate.toString()).hasMessageContaining(notAKey.toString());
    } finally {
      bad.stop().toCompletableFuture().join();
    }
  }

  @Test
  void theOfficialSocketIoClientChatsOverHttps() throws Exception {
    NodeProject.runTests(NodeProject.install("src/test/js", "target/socketio-js", "socket.io-client"), "tls.test.mjs", Map.of(
        "PARLEY_TLS_URL", "https://127.0.0.1:" + server.port(),
        "PARLEY_TLS_CA", certificate.toAbsolutePath().toString()));
  }
}
