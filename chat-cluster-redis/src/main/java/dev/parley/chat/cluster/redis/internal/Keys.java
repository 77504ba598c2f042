package dev.parley.chat.cluster.redis.internal;

import java.nio.charset.StandardCharsets;

/**
 * The names of the engine's keys and channels, all under one prefix. reap.lua builds the same names
 * itself; keep the two in step. A room's keys end in a fixed suffix without a colon, so no room name
 * can make one room's key another's. Immutable.
 */
final class Keys {
  private final String p;

  Keys(String prefix) {
    this.p = prefix;
  }

  String prefix() {
    return p;
  }

  String idHash() {
    return p + "id";
  }

  String nodes() {
    return p + "nodes";
  }

  String heartbeat(String node) {
    return p + "node:" + node;
  }

  String index(String node) {
    return p + "node:" + node + ":index";
  }

  String user(String user) {
    return p + "user:" + user;
  }

  String online() {
    return p + "online";
  }

  String connNode() {
    return p + "conn-node";
  }

  String connClaims() {
    return p + "conn-claims";
  }

  String rooms() {
    return p + "rooms";
  }

  String roomMeta(String room) {
    return p + "room:" + room + ":meta";
  }

  String roomLog(String room) {
    return p + "room:" + room + ":log";
  }

  String roomMsgs(String room) {
    return p + "room:" + room + ":msgs";
  }

  /** A room's changed messages: each one's place in the order, and back. */
  String roomChanges(String room) {
    return p + "room:" + room + ":changes";
  }

  String roomUsers(String room) {
    return p + "room:" + room + ":users";
  }

  String roomConns(String room) {
    return p + "room:" + room + ":conns";
  }

  String session(String id) {
    return p + "session:" + id;
  }

  /** Channels are a namespace of their own; a room's is its name under this prefix. */
  String roomChannelPrefix() {
    return p + "room:";
  }

  /** The one channel every node subscribes to for transports' relays. */
  String relayChannel() {
    return p + "relay";
  }

  String inboxPrefix() {
    return p + "inbox:";
  }

  /** A node-index member for a claim; the name's length is in bytes, as Lua counts. */
  static String claimMember(String user, String conn) {
    return member('c', user, conn);
  }

  /** A node-index member for a connection in a room. */
  static String roomMember(String room, String conn) {
    return member('r', room, conn);
  }

  private static String member(char kind, String name, String conn) {
    return kind + Integer.toString(name.getBytes(StandardCharsets.UTF_8).length) + ":" + name + conn;
  }
}
