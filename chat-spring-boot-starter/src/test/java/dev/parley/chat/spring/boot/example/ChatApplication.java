package dev.parley.chat.spring.boot.example;

import dev.parley.chat.Decision;
import dev.parley.chat.MessageDecision;
import dev.parley.chat.JoinHook;
import dev.parley.chat.MessageHook;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** docs/spring-boot.md's example application, verbatim from the annotation on (DocsExampleTest checks). */
@SpringBootApplication
public class ChatApplication {

  public static void main(String[] args) {
    SpringApplication.run(ChatApplication.class, args);
  }

  /** Softens one word in every message before anyone sees it. */
  @Bean
  MessageHook wordFilter() {
    return msg -> msg.message().text().contains("darn")
        ? MessageDecision.rewrite(msg.message().text().replace("darn", "d**n"))
        : MessageDecision.accept();
  }

  /** Greets whoever joins a room. */
  @Bean
  JoinHook greeter() {
    return join -> {
      join.reply("Welcome to " + join.room() + ", " + join.user());
      return Decision.accept();
    };
  }
}
