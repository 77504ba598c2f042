package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example jar's command line as a user meets it, each run a JVM of its own: {@code --help},
 * unknown options, {@code --host}, a JDBC URL with a password, and {@code --tls-cert}/{@code
 * --tls-key} with a certificate made by {@code openssl} as docs/operations.md shows.
 */
class ExampleCommandLineIT {
  private static final Path JAR = Path.of("target/chat-examples.jar");
  /** The PostgreSQL the build uses, as {@link ThreeNodes} reaches it. */
  private static final String POSTGRES =
      System.getProperty("parley.test.postgres.admin", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  @TempDir
  Path dir;

  /** What a run of the jar that ends by itself printed, and how it ended. */
  record Ended(int exitCode, String out, String err) {}

  private static Ended runToEnd(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    CompletableFuture<String> out = read(p.getInputStream());
    CompletableFuture<String> err = read(p.getErrorStream());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the jar ended by itself: %s", command).isTrue();
    return new Ended(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
  }

  private static CompletableFuture<String> read(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @Test
  void helpPrintsTheUsageAndExitsZeroWithoutStartingAServer() throws Exception {
    Ended help = runToEnd("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: java -jar chat-examples.jar [NAME] [OPTIONS]")
        .contains("--host ADDRESS", "--tls-cert FILE", "--moderators NAMES", "-h, --help").doesNotContain("running");
    assertThat(help.err()).isEmpty();
  }

  @Test
  void anUnknownOptionPrintsTheUsageAndExitsTwo() throws Exception {
    Ended bad = runToEnd("--prot", "9000");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).startsWith("unknown option --prot").contains("Usage: java -jar chat-examples.jar");
    assertThat(bad.out()).isEmpty();
  }

  @Test
  void anUnknownExampleExitsTwo() throws Exception {
    Ended bad = runToEnd("chatrom");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).startsWith("unknown example chatrom").contains("Usage:");
  }

  @Test
  void hostChoosesTheBindAddress() throws Exception {
    // The whole of 127.0.0.0/8 is this machine on Linux: bound to 127.0.0.2, the server is not on 127.0.0.1.
    try (ExampleProcess example = ExampleProcess.start("host", "--host", "127.0.0.2",
        "--data-dir", dir.toString())) {
      assertThat(example.output()).anyMatch(line -> line.contains("open http://127.0.0.2:" + example.port() + "/"));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.2", example.port()), 5000);
      }
      assertThatThrownBy(() -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", example.port()), 5000);
        }
      }).isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void aPasswordInTheHistoryUrlIsNeverPrinted() throws Exception {
    // The test setup's PostgreSQL trusts every connection, so any password does; a database of the
    // test's own keeps the example's tables away from the other tests'.
    String database = "parley_cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + database);
    try {
      String url = "jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres&password=hunter2-secret";
      try (ExampleProcess example = ExampleProcess.start("secret", "--history-url", url)) {
        assertThat(example.output()).anyMatch(line -> line.contains("password=***"));
        assertThat(String.join("\n", example.output())).doesNotContain("hunter2-secret");
      }
    } finally {
      admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  private static void admin(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void tlsCertAndKeyServeHttps() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", key.toString(), "-out", cert.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();

    try (ExampleProcess example = ExampleProcess.start("tls", "--tls-cert", cert.toString(), "--tls-key",
        key.toString(), "--data-dir", dir.toString())) {
      assertThat(example.output()).anyMatch(line -> line.contains("open https://localhost:" + example.port() + "/"));
      HttpResponse<String> health = trusting(cert).send(HttpRequest.newBuilder(
          URI.create("https://localhost:" + example.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"UP\"");
    }
  }

  private static HttpClient trusting(Path certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certificate)) {
      trust.setCertificateEntry("example", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
  }
}
