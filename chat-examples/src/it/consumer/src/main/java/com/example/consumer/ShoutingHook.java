package com.example.consumer;

import dev.parley.chat.MessageDecision;
import dev.parley.chat.MessageContext;
import dev.parley.chat.MessageHook;
import java.util.Locale;

/** The application's own rule: every message goes out in capitals, tagged with a megaphone. */
public final class ShoutingHook implements MessageHook {
  @Override
  public MessageDecision onMessage(MessageContext message) {
    return MessageDecision.rewrite("[shout] " + message.message().text().toUpperCase(Locale.ROOT));
  }
}
