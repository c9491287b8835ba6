package io.herald.comet.session;

import static io.herald.comet.push.Clients.connection;
import static io.herald.comet.push.Clients.fillWriteQueue;
import static io.herald.comet.push.Clients.pushed;
import static io.herald.comet.push.Clients.read;
import static io.herald.wire.ProtocolVersion.V1;
import static io.herald.wire.ProtocolVersion.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.push.Clients;
import io.herald.wire.Op;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NoticesTest {
  private static final String HINTS = "{\"reason\":\"draining\",\"nodes\":[\"10.0.0.2:3101\"]}";

  private final Clients clients = new Clients(new Buckets(4));

  @AfterEach
  void finish() {
    clients.finish();
  }

  @Test
  void disconnectTellsAVersion2ClientWhyThenCloses() {
    EmbeddedChannel channel = clients.webSocket("a", V2, Set.of(), 1000);

    Notices.disconnect(connection(channel), "duplicate login");

    assertThat(read(channel)).containsExactly(pushed(V2, Op.DISCONNECT_REPLY, "duplicate login"));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void disconnectJustClosesAVersion1Client() {
    EmbeddedChannel channel = clients.tcp("a", V1, Set.of());

    Notices.disconnect(connection(channel), "duplicate login");

    assertThat(channel.isOpen()).isFalse();
    assertThat(read(channel)).isEmpty();
  }

  @Test
  void disconnectClosesAnUnwritableChannelAtOnce() {
    EmbeddedChannel channel = clients.tcp("a", V2, Set.of());
    fillWriteQueue(channel, 32);

    Notices.disconnect(connection(channel), "admin");

    assertThat(channel.isOpen()).isFalse();
    assertThat(read(channel)).as("the unflushed queue is released on close").isEmpty();
  }

  @Test
  void disconnectClosesAfterTheGraceWhenTheReasonCannotBeWritten() {
    EmbeddedChannel channel = clients.tcp("a", V2, Set.of());
    channel.pipeline().addFirst(new StallingWrites());

    Notices.disconnect(connection(channel), "admin");
    assertThat(channel.isOpen()).isTrue();
    channel.advanceTimeBy(Notices.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();

    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void reconnectAsksClientsOfBothVersionsWithoutClosing() {
    EmbeddedChannel goim = clients.tcp("a", V1, Set.of(), 1000);
    EmbeddedChannel herald = clients.webSocket("b", V2, Set.of());

    assertThat(Notices.reconnect(connection(goim), HINTS)).isTrue();
    assertThat(Notices.reconnect(connection(herald), HINTS)).isTrue();

    assertThat(read(goim)).containsExactly(pushed(V1, Op.RECONNECT, HINTS));
    assertThat(read(herald)).containsExactly(pushed(V2, Op.RECONNECT, HINTS));
    assertThat(goim.isOpen()).isTrue();
    assertThat(herald.isOpen()).isTrue();
  }

  @Test
  void reconnectIsNotQueuedOnAnUnwritableChannel() {
    EmbeddedChannel channel = clients.tcp("a", V2, Set.of());
    fillWriteQueue(channel, 32);

    assertThat(Notices.reconnect(connection(channel), HINTS)).isFalse();

    channel.flush();
    ByteBuf filler = channel.readOutbound();
    filler.release();
    assertThat(read(channel)).isEmpty();
  }
}
