package dev.parley.chat.testkit;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.cluster.ServerEventCodec;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A cluster of nodes in one process, sharing one state under one lock, for checking that {@link
 * ClusterEngineContract} passes against an engine that keeps the SPI's promises. Each node delivers
 * on its own thread, and what crosses nodes goes through {@link ServerEventCodec}, as it would
 * between processes. Not an engine to use: one lock, no bounds.
 */
final class SharedMemoryCluster {
  private static String place(ChatMessage m) {
    return m.revision() != null ? m.revision() : m.id();
  }

  private final Object lock = new Object();
  private final Map<String, Room> rooms = new HashMap<>();
  private final Map<String, Map<String, Boolean>> claims = new HashMap<>(); // user -> connection -> shared
  private final Map<String, String> nodeOfConnection = new HashMap<>();
  private final Map<String, Map<String, Set<String>>> presence = new HashMap<>(); // room -> user -> conns
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<String, Node> nodes = new HashMap<>();
  private long lastId;

  private static final class Room {
    final List<ChatMessage> log = new ArrayList<>();
    final Map<String, Integer> followers = new HashMap<>();
    String lastId;
    /** The newest id the log dropped to stay within its size; "" when none. Cleared ones were not missed. */
    String droppedThrough = "";
  }

  private record Session(byte[] state, long expiresAtNanos) {}

  ClusterEngine newNode() {
    return new Node();
  }

  private final class Node implements ClusterEngine {
    private final String id = UUID.randomUUID().toString();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor();
    private LocalNode local;
    private int logSize;
    private volatile boolean closed;

    @Override
    public CompletionStage<Void> start(LocalNode node, int size) {
      this.local = node;
      this.logSize = size;
      synchronized (lock) {
        nodes.put(id, this);
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public String nodeId() {
      return id;
    }

    /** Runs on this node's delivery thread, in the order handed over. */
    private <T> CompletableFuture<T> deliver(java.util.function.Supplier<T> call) {
      return CompletableFuture.supplyAsync(() -> closed ? null : call.get(), delivery);
    }

    @Override
    public CompletionStage<ServerEvent> publish(String room, ServerEvent event, Exclusion except) {
      synchronized (lock) {
        ServerEvent ordered = event;
        Room r = rooms.computeIfAbsent(room, k -> new Room());
        if (event instanceof ServerEvent.Message m) {
          lastId = MessageIds.next(lastId, System.currentTimeMillis());
          String newId = MessageIds.format(lastId);
          ordered = new ServerEvent.Message(m.message().toBuilder().id(newId).time(MessageIds.time(lastId)).build());
          r.log.add(((ServerEvent.Message) ordered).message());
          r.lastId = newId;
          while (r.log.size() > logSize) {
            r.droppedThrough = r.log.remove(0).id();
          }
        } else if (event instanceof ServerEvent.Presence p && p.notice() != null) {
          lastId = MessageIds.next(lastId, System.currentTimeMillis());
          ordered = new ServerEvent.Presence(p.room(), p.user(), p.joined(), p.notice().toBuilder()
              .id(MessageIds.format(lastId)).time(MessageIds.time(lastId)).build());
        } else if (event instanceof ServerEvent.MessageChanged c) {
          int at = -1;
          for (int i = 0; i < r.log.size(); i++) {
            at = r.log.get(i).id().equals(c.message().id()) ? i : at;
          }
          if (at < 0 || r.log.get(at).deleted()) {
            return CompletableFuture.failedFuture(new dev.parley.chat.ChatException(
                at < 0 ? dev.parley.chat.ErrorCodes.MESSAGE_TOO_OLD : dev.parley.chat.ErrorCodes.UNKNOWN_MESSAGE,
                "not changeable"));
          }
          lastId = MessageIds.next(lastId, System.currentTimeMillis());
          ChatMessage version = c.message().toBuilder().revision(MessageIds.format(lastId))
              .edited(MessageIds.time(lastId)).build();
          r.log.set(at, version);
          ordered = new ServerEvent.MessageChanged(version);
        } else if (event instanceof ServerEvent.HistoryCleared h) {
          ordered = new ServerEvent.HistoryCleared(h.room(), h.by(), r.lastId);
          r.log.clear();
        }
        byte[] wire = ServerEventCodec.encodeEntry(new RoomEntry(ordered, except));
        for (String follower : r.followers.keySet()) {
          Node node = nodes.get(follower);
          node.deliver(() -> node.local.onRoomEntry(room, ServerEventCodec.decodeEntry(wire)));
        }
        return CompletableFuture.completedFuture(ordered);
      }
    }

    @Override
    public CompletionStage<RoomSnapshot> follow(String room, int recent) {
      synchronized (lock) {
        Room r = rooms.computeIfAbsent(room, k -> new Room());
        r.followers.merge(id, 1, Integer::sum);
        List<ChatMessage> log = r.log.subList(Math.max(0, r.log.size() - recent), r.log.size());
        return CompletableFuture.completedFuture(new RoomSnapshot(log, r.lastId));
      }
    }

    @Override
    public void unfollow(String room) {
      synchronized (lock) {
        Room r = rooms.get(room);
        if (r != null) {
          r.followers.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
        }
      }
    }

    @Override
    public CompletionStage<List<ChatMessage>> recent(String room, int limit) {
      synchronized (lock) {
        List<ChatMessage> log = rooms.containsKey(room) ? rooms.get(room).log : List.of();
        return CompletableFuture.completedFuture(List.copyOf(log.subList(Math.max(0, log.size() - limit), log.size())));
      }
    }

    @Override
    public CompletionStage<Optional<List<ChatMessage>>> after(String room, String afterId, int limit) {
      synchronized (lock) {
        long id = MessageIds.parse(afterId);
        Room r = rooms.get(room);
        // Ids are one sequence for all rooms: any id the cluster made is a point in every room's log.
        if (id < 0 || id > lastId || (r != null && afterId.compareTo(r.droppedThrough) < 0)) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
        // By place: a changed message comes where its change was ordered.
        List<ChatMessage> missed = r == null ? List.of()
            : r.log.stream().filter(m -> place(m).compareTo(afterId) > 0)
                .sorted(java.util.Comparator.comparing(SharedMemoryCluster::place)).toList();
        return CompletableFuture.completedFuture(missed.size() > limit ? Optional.empty() : Optional.of(missed));
      }
    }

    @Override
    public CompletionStage<String> nextId() {
      synchronized (lock) {
        lastId = MessageIds.next(lastId, System.currentTimeMillis());
        return CompletableFuture.completedFuture(MessageIds.format(lastId));
      }
    }

    @Override
    public CompletionStage<Boolean> claim(String user, String connectionId, boolean shared) {
      return takeOver(user, connectionId, shared, null);
    }

    @Override
    public CompletionStage<Boolean> takeOver(String user, String connectionId, boolean shared, String earlier) {
      synchronized (lock) {
        Map<String, Boolean> holders = claims.computeIfAbsent(user, k -> new HashMap<>());
        Map<String, Boolean> others = new HashMap<>(holders);
        if (earlier != null) {
          others.remove(earlier);
        }
        boolean free = others.isEmpty() || (shared && others.values().stream().allMatch(s -> s));
        if (free) {
          if (earlier != null && holders.remove(earlier) != null) {
            nodeOfConnection.remove(earlier);
          }
          holders.put(connectionId, shared);
          nodeOfConnection.put(connectionId, id);
        }
        return CompletableFuture.completedFuture(free);
      }
    }

    @Override
    public CompletionStage<Void> release(String user, String connectionId) {
      synchronized (lock) {
        releaseLocked(user, connectionId);
        return CompletableFuture.completedFuture(null);
      }
    }

    private void releaseLocked(String user, String connectionId) {
      Map<String, Boolean> holders = claims.get(user);
      if (holders != null && holders.remove(connectionId) != null && holders.isEmpty()) {
        claims.remove(user);
      }
      nodeOfConnection.remove(connectionId);
    }

    @Override
    public CompletionStage<Boolean> enter(String room, String user, String connectionId) {
      synchronized (lock) {
        Set<String> conns = presence.computeIfAbsent(room, k -> new HashMap<>())
            .computeIfAbsent(user, k -> new HashSet<>());
        boolean first = conns.isEmpty();
        conns.add(connectionId);
        nodeOfConnection.putIfAbsent(connectionId, id);
        return CompletableFuture.completedFuture(first);
      }
    }

    @Override
    public CompletionStage<Boolean> exit(String room, String user, String connectionId) {
      synchronized (lock) {
        return CompletableFuture.completedFuture(exitLocked(room, user, connectionId));
      }
    }

    private boolean exitLocked(String room, String user, String connectionId) {
      Map<String, Set<String>> users = presence.get(room);
      Set<String> conns = users == null ? null : users.get(user);
      if (conns == null || !conns.remove(connectionId) || !conns.isEmpty()) {
        return false;
      }
      users.remove(user);
      if (users.isEmpty()) {
        presence.remove(room);
      }
      return true;
    }

    @Override
    public CompletionStage<List<String>> members(String room) {
      synchronized (lock) {
        return CompletableFuture.completedFuture(
            List.copyOf(new TreeSet<>(presence.getOrDefault(room, Map.of()).keySet())));
      }
    }

    @Override
    public CompletionStage<Set<String>> rooms() {
      synchronized (lock) {
        Set<String> names = new HashSet<>(presence.keySet());
        rooms.forEach((name, r) -> {
          if (!r.log.isEmpty()) {
            names.add(name);
          }
        });
        return CompletableFuture.completedFuture(Set.copyOf(names));
      }
    }

    @Override
    public CompletionStage<Set<String>> onlineUsers() {
      synchronized (lock) {
        return CompletableFuture.completedFuture(Set.copyOf(claims.keySet()));
      }
    }

    @Override
    public CompletionStage<Boolean> isOnline(String user) {
      synchronized (lock) {
        Map<String, Boolean> holders = claims.get(user);
        return CompletableFuture.completedFuture(holders != null && !holders.isEmpty());
      }
    }

    @Override
    public CompletionStage<Integer> toUser(String user, ServerEvent event) {
      byte[] wire = ServerEventCodec.encodeEvent(event);
      List<CompletableFuture<Integer>> counts = new ArrayList<>();
      for (Node node : nodesHolding(user)) {
        counts.add(node.deliver(() -> node.local.toUser(user, ServerEventCodec.decodeEvent(wire))));
      }
      return sum(counts);
    }

    @Override
    public CompletionStage<Boolean> toConnection(String connectionId, ServerEvent event) {
      byte[] wire = ServerEventCodec.encodeEvent(event);
      Node node;
      synchronized (lock) {
        node = nodes.get(nodeOfConnection.get(connectionId));
      }
      if (node == null) {
        return CompletableFuture.completedFuture(false);
      }
      return node.deliver(() -> node.local.toConnection(connectionId, ServerEventCodec.decodeEvent(wire)))
          .thenApply(Boolean.TRUE::equals);
    }

    @Override
    public CompletionStage<Integer> disconnect(String user, String reason) {
      List<CompletableFuture<Integer>> counts = new ArrayList<>();
      for (Node node : nodesHolding(user)) {
        counts.add(node.deliver(() -> node.local.disconnect(user, reason)));
      }
      return sum(counts);
    }

    private Set<Node> nodesHolding(String user) {
      synchronized (lock) {
        Set<Node> holding = new HashSet<>();
        for (String conn : claims.getOrDefault(user, Map.of()).keySet()) {
          holding.add(nodes.get(nodeOfConnection.get(conn)));
        }
        return holding;
      }
    }

    private CompletableFuture<Integer> sum(List<CompletableFuture<Integer>> counts) {
      return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
          .thenApply(v -> counts.stream().mapToInt(c -> c.join() == null ? 0 : c.join()).sum());
    }

    @Override
    public CompletionStage<Void> keepSession(String sessionId, byte[] state, Duration ttl) {
      synchronized (lock) {
        sessions.put(sessionId, new Session(state.clone(), System.nanoTime() + ttl.toNanos()));
        return CompletableFuture.completedFuture(null);
      }
    }

    @Override
    public CompletionStage<Optional<byte[]>> takeSession(String sessionId) {
      synchronized (lock) {
        Session s = sessions.remove(sessionId);
        boolean live = s != null && s.expiresAtNanos() - System.nanoTime() > 0;
        return CompletableFuture.completedFuture(live ? Optional.of(s.state()) : Optional.empty());
      }
    }

    @Override
    public CompletionStage<Void> relay(byte[] payload) {
      return relayCounted(payload).thenApply(n -> null);
    }

    @Override
    public CompletionStage<Integer> relayCounted(byte[] payload) {
      synchronized (lock) {
        int handed = 0;
        for (Node node : nodes.values()) {
          if (node != this) {
            byte[] copy = payload.clone();
            node.deliver(() -> {
              node.local.onRelay(copy);
              return null;
            });
            handed++;
          }
        }
        return CompletableFuture.completedFuture(handed);
      }
    }

    @Override
    public void close() {
      synchronized (lock) {
        closed = true;
        nodes.remove(id);
        rooms.values().forEach(r -> r.followers.remove(id));
        List<String> mine = new ArrayList<>();
        nodeOfConnection.forEach((conn, node) -> {
          if (node.equals(id)) {
            mine.add(conn);
          }
        });
        for (String conn : mine) {
          for (String user : new ArrayList<>(claims.keySet())) {
            releaseLocked(user, conn);
          }
          for (String room : new ArrayList<>(presence.keySet())) {
            for (String user : new ArrayList<>(presence.getOrDefault(room, Map.of()).keySet())) {
              exitLocked(room, user, conn);
            }
          }
        }
      }
      delivery.shutdown();
    }
  }
}
