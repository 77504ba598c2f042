package dev.parley.chat;

/**
 * The outcome of a send action: the message as delivered, and how many connections it was queued to.
 *
 * @param message the message, with its server-assigned id, time and sender
 * @param recipients the number of connections the message was queued to (0 when nobody else was there)
 */
public record Delivery(ChatMessage message, int recipients) {}
