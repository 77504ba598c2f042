package dev.parley.chat.netty.internal.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.netty.internal.EngineFrame;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RelayedEmitTest {

  @Test
  void aBroadcastWithBinaryAttachmentsTravelsUnchanged() {
    byte[] attachment = {0, 1, (byte) 0xff, 'x'};
    List<EngineFrame> frames = SocketIoRuntime.encodeEvent("/admin", -1, "file",
        new Object[] {Map.of("name", "ünïcode ✓", "data", attachment)});
    assertThat(frames).hasSize(2); // the packet and its attachment
    RelayedEmit emit = new RelayedEmit("/admin", Set.of("a", "b"), Set.of("muted"), "sid1", frames, false);

    RelayedEmit back = RelayedEmit.decode(emit.encode());

    assertThat(back.namespace()).isEqualTo("/admin");
    assertThat(back.rooms()).containsExactlyInAnyOrder("a", "b");
    assertThat(back.exceptRooms()).containsExactly("muted");
    assertThat(back.exceptSocket()).isEqualTo("sid1");
    assertThat(back.frames()).hasSize(2);
    assertThat(back.frames().get(0).isBinary()).isFalse();
    assertThat(back.frames().get(0).utf8()).isEqualTo(frames.get(0).utf8());
    assertThat(back.frames().get(1).isBinary()).isTrue();
    assertThat(back.frames().get(1).binaryData()).isEqualTo(attachment);
  }

  @Test
  void noSocketLeftOutTravelsAsNone() {
    RelayedEmit emit = new RelayedEmit("/", Set.of(), Set.of(), null,
        SocketIoRuntime.encodeEvent("/", -1, "news", new Object[] {"hi"}), false);

    RelayedEmit back = RelayedEmit.decode(emit.encode());

    assertThat(back.exceptSocket()).isNull();
    assertThat(back.rooms()).isEmpty();
    assertThat(back.volatileOnly()).isFalse();
    assertThat(new String(back.frames().get(0).utf8(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("42[\"news\",\"hi\"]");
  }

  @Test
  void aVolatileEmitStaysVolatile() {
    RelayedEmit emit = new RelayedEmit("/", Set.of("r"), Set.of(), null,
        SocketIoRuntime.encodeEvent("/", -1, "pos", new Object[] {1}), true);

    assertThat(RelayedEmit.decode(emit.encode()).volatileOnly()).isTrue();
  }

  @Test
  void bytesOfAnotherFormAreRefused() {
    byte[] good = new RelayedEmit("/", Set.of("r"), Set.of(), null,
        SocketIoRuntime.encodeEvent("/", -1, "news", new Object[] {"hi"}), false).encode();

    assertThatThrownBy(() -> RelayedEmit.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RelayedEmit.decode(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RelayedEmit.decode(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] otherVersion = good.clone();
    otherVersion[0] = 3;
    assertThatThrownBy(() -> RelayedEmit.decode(otherVersion)).isInstanceOf(IllegalArgumentException.class);
    byte[] hugeLength = good.clone();
    hugeLength[1] = 0x7f; // the namespace's length
    assertThatThrownBy(() -> RelayedEmit.decode(hugeLength)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anOperationOnSocketsTravelsUnchanged_andIsToldFromAnEmit() {
    RelayedOperation op = new RelayedOperation("/admin", Set.of("a", "ü"), Set.of("muted"), "sid1",
        RelayedOperation.Kind.JOIN, "vip");
    byte[] bytes = op.encode();
    assertThat(bytes[0]).isEqualTo(RelayedOperation.MARKER);
    assertThat(RelayedOperation.decode(bytes)).isEqualTo(op);
    RelayedOperation kick = new RelayedOperation("/", Set.of(), Set.of(), null, RelayedOperation.Kind.DISCONNECT, null);
    assertThat(RelayedOperation.decode(kick.encode())).isEqualTo(kick);

    assertThatThrownBy(() -> RelayedOperation.decode(Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] unknownKind = bytes.clone();
    unknownKind[1] = 9;
    assertThatThrownBy(() -> RelayedOperation.decode(unknownKind)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RelayedEmit.decode(bytes)).as("an emit's reader refuses it").isInstanceOf(IllegalArgumentException.class);
  }
}
