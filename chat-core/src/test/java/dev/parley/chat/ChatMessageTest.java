package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatMessageTest {
  private static final Instant TIME = Instant.ofEpochMilli(1_000);

  private static ChatMessage privateMessage() {
    return ChatMessage.builder("01", TIME, MessageKind.PRIVATE, "hi")
        .room("lobby")
        .sender("alice")
        .recipient("bob")
        .data(Map.of("n", 1))
        .build();
  }

  @Test
  void theBuilderSetsEveryField() {
    ChatMessage m = privateMessage();

    assertThat(m.id()).isEqualTo("01");
    assertThat(m.time()).isEqualTo(TIME);
    assertThat(m.kind()).isEqualTo(MessageKind.PRIVATE);
    assertThat(m.room()).isEqualTo("lobby");
    assertThat(m.sender()).isEqualTo("alice");
    assertThat(m.recipient()).isEqualTo("bob");
    assertThat(m.text()).isEqualTo("hi");
    assertThat(m.data()).isEqualTo(Map.of("n", 1));
  }

  @Test
  void optionalFieldsDefaultToNullAndEmptyData() {
    ChatMessage m = ChatMessage.builder("02", TIME, MessageKind.NOTICE, "hello").build();

    assertThat(m.room()).isNull();
    assertThat(m.sender()).isNull();
    assertThat(m.recipient()).isNull();
    assertThat(m.data()).isEmpty();
    assertThat(ChatMessage.builder("02", TIME, MessageKind.NOTICE, "hello").data(null).build().data()).isEmpty();
  }

  @Test
  void requiredFieldsAreChecked() {
    assertThatThrownBy(() -> ChatMessage.builder(null, TIME, MessageKind.ROOM, "t"))
        .isInstanceOf(NullPointerException.class).hasMessage("id");
    assertThatThrownBy(() -> ChatMessage.builder("01", null, MessageKind.ROOM, "t"))
        .isInstanceOf(NullPointerException.class).hasMessage("time");
    assertThatThrownBy(() -> ChatMessage.builder("01", TIME, null, "t"))
        .isInstanceOf(NullPointerException.class).hasMessage("kind");
    assertThatThrownBy(() -> ChatMessage.builder("01", TIME, MessageKind.ROOM, null))
        .isInstanceOf(NullPointerException.class).hasMessage("text");

    ChatMessage.Builder b = privateMessage().toBuilder();
    assertThatThrownBy(() -> b.id(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.time(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.kind(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.text(null)).isInstanceOf(NullPointerException.class);
    assertThat(b.build()).isEqualTo(privateMessage()); // the refused changes left it as it was
  }

  @Test
  void dataIsCopiedDeeplyAndCannotBeChanged() {
    List<Object> list = new ArrayList<>(List.of("a"));
    Map<String, Object> nested = new HashMap<>(Map.of("k", "v"));
    Map<String, Object> source = new HashMap<>();
    source.put("list", list);
    source.put("nested", nested);
    source.put("none", null);
    ChatMessage.Builder builder = ChatMessage.builder("01", TIME, MessageKind.ROOM, "t").data(source);
    ChatMessage m = builder.build();

    source.put("added", true);
    list.add("b");
    nested.put("k", "changed");

    assertThat(m.data()).containsOnlyKeys("list", "nested", "none");
    assertThat(m.data().get("list")).isEqualTo(List.of("a"));
    assertThat(m.data().get("nested")).isEqualTo(Map.of("k", "v"));
    assertThat(m.data()).containsEntry("none", null);
    assertThatThrownBy(() -> m.data().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> copiedList = (List<Object>) m.data().get("list");
    assertThatThrownBy(() -> copiedList.add("c")).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> copiedNested = (Map<String, Object>) m.data().get("nested");
    assertThatThrownBy(() -> copiedNested.clear()).isInstanceOf(UnsupportedOperationException.class);

    // The builder copies again when it builds: a later message sees the source as it is then.
    assertThat(builder.build().data()).containsKey("added");
    assertThat(m.data()).doesNotContainKey("added");
  }

  @Test
  void dataMustBeJson() {
    ChatMessage.Builder b = ChatMessage.builder("01", TIME, MessageKind.ROOM, "t");
    assertThatThrownBy(() -> b.data(Map.of("x", new Object())).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.data(Map.of("x", Double.NaN)).build()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equalsAndHashCodeCompareEveryField() {
    ChatMessage m = privateMessage();
    ChatMessage same = ChatMessage.builder("01", TIME, MessageKind.PRIVATE, "hi")
        .room("lobby")
        .sender("alice")
        .recipient("bob")
        .data(new HashMap<>(Map.of("n", 1)))
        .build();

    assertThat(m).isEqualTo(same).hasSameHashCodeAs(same).isNotSameAs(same);
    assertThat(m).isNotEqualTo(null).isNotEqualTo("01");
    List<ChatMessage> different = List.of(
        m.toBuilder().id("02").build(),
        m.toBuilder().time(TIME.plusNanos(1)).build(),
        m.toBuilder().kind(MessageKind.ROOM).build(),
        m.toBuilder().room(null).build(),
        m.toBuilder().sender("carol").build(),
        m.toBuilder().recipient(null).build(),
        m.toBuilder().text("hi!").build(),
        m.toBuilder().data(Map.of("n", 2)).build());
    for (ChatMessage other : different) {
      assertThat(other).isNotEqualTo(m);
      assertThat(m).isNotEqualTo(other);
    }
    assertThat(m.toString()).contains("id=01", "kind=PRIVATE", "room=lobby", "sender=alice", "recipient=bob",
        "text=hi", "data={n=1}");
  }

  @Test
  void toBuilderCopiesEveryField() {
    ChatMessage m = privateMessage();

    ChatMessage copy = m.toBuilder().build();
    assertThat(copy).isEqualTo(m).isNotSameAs(m);
    assertThat(copy.data()).isSameAs(m.data()); // already an immutable copy: shared, not copied again

    ChatMessage changed = m.toBuilder().sender("carol").build();
    assertThat(changed.sender()).isEqualTo("carol");
    assertThat(changed.toBuilder().sender("alice").build()).isEqualTo(m);
  }

  @Test
  void withContentKeepsIdentityTimeKindAndAddressing() {
    ChatMessage m = privateMessage();

    ChatMessage rewritten = m.withContent("**", Map.of("masked", true));
    assertThat(rewritten.text()).isEqualTo("**");
    assertThat(rewritten.data()).isEqualTo(Map.of("masked", true));
    assertThat(rewritten)
        .extracting(ChatMessage::id, ChatMessage::time, ChatMessage::kind, ChatMessage::room, ChatMessage::sender,
            ChatMessage::recipient)
        .containsExactly("01", TIME, MessageKind.PRIVATE, "lobby", "alice", "bob");
    assertThat(rewritten.toBuilder().text(m.text()).data(m.data()).build()).isEqualTo(m); // and every other field

    assertThat(m.withContent("plain", null).data()).isEmpty();
    assertThatThrownBy(() -> m.withContent(null, null)).isInstanceOf(NullPointerException.class);
  }
}
