package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.netty.Tls;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example jar's command line, as {@link ExampleArgs} reads it, and what it prints of URLs. */
class ExampleArgsTest {
  private static ExampleArgs parse(Map<String, String> environment, String... args) throws Exception {
    return ExampleArgs.parse(args, environment::get);
  }

  private static ExampleArgs parse(String... args) throws Exception {
    return parse(Map.of(), args);
  }

  @Test
  void withoutArgumentsTheMainExampleListensOnEveryInterfaceOnPort8080() throws Exception {
    ExampleArgs a = parse();
    assertThat(a.name()).isEqualTo("main");
    assertThat(a.help()).isFalse();
    assertThat(a.listen()).isEqualTo(new Listen("0.0.0.0", 8080, null));
    assertThat(a.dataDir()).isEqualTo(Path.of("parley-data"));
    assertThat(a.historyUrl()).isNull();
    assertThat(a.redisUrl()).isNull();
    assertThat(a.sharedNames()).isFalse();
    assertThat(a.moderators()).isEmpty();
  }

  @Test
  void readsEveryOptionInBothForms() throws Exception {
    ExampleArgs a = parse("main", "--host", "127.0.0.1", "--port=9000", "--tls-cert", "c.pem", "--tls-key=k.pem",
        "--data-dir", "d", "--history-url", "jdbc:sqlite:x.db", "--redis-url", "redis://r:6379", "--shared-names",
        "--moderators", " bob, alice,,");
    assertThat(a.listen()).isEqualTo(new Listen("127.0.0.1", 9000, Tls.pem(Path.of("c.pem"), Path.of("k.pem"))));
    assertThat(a.dataDir()).isEqualTo(Path.of("d"));
    assertThat(a.historyUrl()).isEqualTo("jdbc:sqlite:x.db");
    assertThat(a.redisUrl()).isEqualTo("redis://r:6379");
    assertThat(a.sharedNames()).isTrue();
    assertThat(a.moderators()).containsExactly("bob", "alice");
  }

  @Test
  void optionsFallBackToTheEnvironment() throws Exception {
    ExampleArgs a = parse(Map.of("PORT", "7000", "PARLEY_HOST", "::1", "PARLEY_TLS_CERT", "c", "PARLEY_TLS_KEY", "k"),
        "rooms");
    assertThat(a.name()).isEqualTo("rooms");
    assertThat(a.listen()).isEqualTo(new Listen("::1", 7000, Tls.pem(Path.of("c"), Path.of("k"))));
    assertThat(parse(Map.of("PORT", "7000"), "--port", "7001").listen().port()).isEqualTo(7001);
    assertThat(parse(Map.of("PARLEY_MODERATORS", "carol")).moderators()).containsExactly("carol");
  }

  @Test
  void helpIsAFlagAnywhere() throws Exception {
    assertThat(parse("--help").help()).isTrue();
    assertThat(parse("direct", "-h").help()).isTrue();
  }

  @Test
  void refusesWhatItDoesNotKnow() {
    assertThatThrownBy(() -> parse("--bogus")).isInstanceOf(ExampleArgs.BadArguments.class)
        .hasMessage("unknown option --bogus");
    assertThatThrownBy(() -> parse("--port")).hasMessage("--port needs a value");
    assertThatThrownBy(() -> parse("--history-url", "--port", "1")).hasMessage("--history-url needs a value");
    assertThatThrownBy(() -> parse("main", "rooms")).hasMessageStartingWith("unexpected argument rooms");
    assertThatThrownBy(() -> parse("--port", "eighty")).hasMessage("--port (or PORT) must be a number from 0 to 65535, was eighty");
    assertThatThrownBy(() -> parse("--port", "70000")).hasMessageContaining("was 70000");
    assertThatThrownBy(() -> parse("--tls-cert", "c.pem")).hasMessage("--tls-cert and --tls-key go together");
  }

  @Test
  void printedUrlsKeepNoSecret() {
    assertThat(Redacted.url("jdbc:postgresql://db:5432/chat?user=app&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/chat?user=app&password=***&ssl=true");
    assertThat(Redacted.url("jdbc:postgresql://app:hunter2@db:5432/chat"))
        .isEqualTo("jdbc:postgresql://app:***@db:5432/chat");
    assertThat(Redacted.url("jdbc:sqlserver://db;user=app;Password=hunter2;encrypt=true"))
        .isEqualTo("jdbc:sqlserver://db;user=app;Password=***;encrypt=true");
    assertThat(Redacted.url("jdbc:postgresql://db/chat?sslpassword=a&token=b"))
        .isEqualTo("jdbc:postgresql://db/chat?sslpassword=***&token=***");
    assertThat(Redacted.url("redis://:hunter2@cache:6379/0")).isEqualTo("redis://:***@cache:6379/0");
    assertThat(Redacted.url("redis://cache:6379")).isEqualTo("redis://cache:6379");
    assertThat(Redacted.url("jdbc:sqlite:/var/lib/parley/history.db")).isEqualTo("jdbc:sqlite:/var/lib/parley/history.db");
  }

  @Test
  void theAddressToOpenFollowsTheHostAndTheScheme() {
    assertThat(Listen.port(0).url(8080)).isEqualTo("http://localhost:8080/");
    assertThat(new Listen("127.0.0.2", 0, null).url(81)).isEqualTo("http://127.0.0.2:81/");
    assertThat(new Listen("::1", 0, Tls.pem(Path.of("c"), Path.of("k"))).url(443)).isEqualTo("https://[::1]:443/");
  }
}
