package io.herald.comet.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.wire.ProtocolVersion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BucketsTest {
  private final Buckets buckets = new Buckets(4);
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() {
    channels.forEach(channel -> assertThat(channel.finishAndReleaseAll()).isFalse());
  }

  private Connection connection(String key, String... rooms) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channels.add(channel);
    return new Connection(
        channel, TransportKind.TCP, 1, 1, key, "web", ProtocolVersion.V1, Set.of(rooms), null);
  }

  @Test
  void indexesConnectionsByKeyAndRoom() {
    Connection a = connection("a", "live://1");
    Connection b = connection("b", "live://1", "live://2");
    buckets.add(a);
    buckets.add(b);

    assertThat(buckets.get("a")).isSameAs(a);
    assertThat(buckets.size()).isEqualTo(2);
    assertThat(buckets.room("live://1").size()).isEqualTo(2);
    assertThat(buckets.roomCounts())
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("live://1", 2, "live://2", 1));
  }

  @Test
  void theSameKeyReconnectingReplacesTheOldConnection() {
    Connection old = connection("a", "live://1");
    Connection fresh = connection("a", "live://2");
    buckets.add(old);

    assertThat(buckets.add(fresh)).isSameAs(old);
    assertThat(buckets.get("a")).isSameAs(fresh);
    assertThat(buckets.room("live://1")).isNull();
    // A late removal of the old one leaves the new one in place.
    buckets.remove(old);
    assertThat(buckets.get("a")).isSameAs(fresh);
    assertThat(buckets.room("live://2").size()).isOne();
  }

  @Test
  void removingTheLastMemberRemovesTheRoom() {
    Connection a = connection("a", "live://1");
    buckets.add(a);
    buckets.remove(a);
    assertThat(buckets.get("a")).isNull();
    assertThat(buckets.room("live://1")).isNull();
    assertThat(buckets.roomCounts()).isEmpty();
  }

  @Test
  void joinLeaveAndChangeMoveMembership() {
    Connection a = connection("a", "live://1");
    buckets.add(a);

    buckets.join(a, "live://2");
    assertThat(a.rooms()).containsExactlyInAnyOrder("live://1", "live://2");
    buckets.leave(a, "live://1");
    assertThat(a.rooms()).containsExactly("live://2");
    assertThat(buckets.room("live://1")).isNull();

    buckets.change(a, "live://3");
    assertThat(a.rooms()).containsExactly("live://3");
    assertThat(buckets.room("live://2")).isNull();
    assertThat(buckets.room("live://3").size()).isOne();
    buckets.change(a, "");
    assertThat(a.rooms()).isEmpty();
  }

  @Test
  void aRoomReportsLogicsCountOnceItHasOne() {
    buckets.add(connection("a", "live://1"));
    Room room = buckets.room("live://1");
    assertThat(room.onlineCount()).isOne();
    room.onlineCount(250);
    assertThat(room.onlineCount()).isEqualTo(250);
  }

  @Test
  void theBucketCountIsValidated() {
    assertThatThrownBy(() -> new Buckets(0)).hasMessage("buckets: 0 (expected: 1-65536)");
  }
}
