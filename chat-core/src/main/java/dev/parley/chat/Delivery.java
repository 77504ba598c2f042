package dev.parley.chat;

/**
 * The outcome of a send action: the message as delivered, and how many connections it was queued to.
 *
 * <p>Threading and lifecycle: an immutable value (its {@link ChatMessage} is immutable too), safe to
 * share between threads; made once per send action.
 *
 * @param message the message, with its server-assigned id, time and sender
 * @param recipients the number of connections the message was queued to (0 when nobody else was there)
 */
public record Delivery(ChatMessage message, int recipients) {}
