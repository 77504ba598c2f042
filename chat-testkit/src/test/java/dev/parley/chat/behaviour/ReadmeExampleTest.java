package dev.parley.chat.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.MessageDecision;
import dev.parley.chat.MessageContext;
import dev.parley.chat.MessageHook;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import org.junit.jupiter.api.Test;

/** The README's test-kit example, kept compiling and passing. */
class ReadmeExampleTest {

  static final class SpamFilter implements MessageHook {
    @Override
    public MessageDecision onMessage(MessageContext msg) {
      return msg.message().text().contains("spam") ? MessageDecision.reject("SPAM", "No spam, please") : MessageDecision.accept();
    }
  }

  @Test
  void readmeTestKitExample() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onMessage(new SpamFilter()))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.takeUntil(ServerEvent.Message.class); // "bob has joined"

      alice.send("lobby", "buy spam now");

      assertThat(alice.takeError().code()).isEqualTo("SPAM");
      bob.assertNoMoreEvents();
    }
  }
}
