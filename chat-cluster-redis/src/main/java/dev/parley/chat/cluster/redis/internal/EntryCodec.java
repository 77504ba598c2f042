package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.spi.ServerEvent;

/**
 * Bytes for what the engine puts in Redis. Placeholder until chat-core's ServerEventCodec is
 * merged; then this interface goes and the engine calls the codec. Implementations are stateless
 * and thread-safe.
 */
interface EntryCodec {
  byte[] encodeEntry(RoomEntry entry);

  RoomEntry decodeEntry(byte[] bytes, int offset);

  byte[] encodeEvent(ServerEvent event);

  ServerEvent decodeEvent(byte[] bytes, int offset);
}
