package dev.parley.chat.internal;

/** A fixed set of locks, one picked per name: a lock per user or room without a map that grows. Thread-safe. */
final class Stripes {
  private final Object[] locks;

  Stripes(int count) {
    locks = new Object[count];
    for (int i = 0; i < count; i++) {
      locks[i] = new Object();
    }
  }

  Object of(String name) {
    return locks[(name.hashCode() & 0x7fffffff) % locks.length];
  }
}
