package io.herald.comet.transport;

import static io.herald.comet.transport.TransportFixture.AUTH_JSON;
import static io.herald.comet.transport.TransportFixture.read;
import static io.herald.comet.transport.TransportFixture.readBytes;
import static io.herald.comet.transport.TransportFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.session.Connection;
import io.herald.proto.common.v1.Transport;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.RejectReason;
import io.herald.proto.logic.v1.Rejection;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuthHandlerTest {
  private final TransportFixture fixture = new TransportFixture();

  @Test
  void acceptedVersion1AuthGetsGoimsEmptyAuthReplyAndBecomesAConnection() {
    fixture.logic.onConnect =
        request ->
            CompletableFuture.completedFuture(FakeLogic.accepted(123, "dev-1", "live://1000"));
    EmbeddedChannel channel = fixture.tcp();

    send(channel, ProtocolVersion.V1, Op.AUTH, 1, AUTH_JSON);

    // packLen 16, headerLen 16, ver 1, op 8, seq 1, no body: what goim's clients read.
    assertThat(ByteBufUtil.hexDump(readBytes(channel)))
        .isEqualTo("00000010001000010000000800000001");
    Connection connection = TransportFixture.connection(channel);
    assertThat(connection).isNotNull();
    assertThat(connection.mid()).isEqualTo(123);
    assertThat(connection.key()).isEqualTo("dev-1");
    assertThat(connection.platform()).isEqualTo("web");
    assertThat(connection.version()).isEqualTo(ProtocolVersion.V1);
    assertThat(connection.rooms()).containsExactly("live://1000");
    assertThat(fixture.buckets.get("dev-1")).isSameAs(connection);
    assertThat(fixture.buckets.room("live://1000").size()).isEqualTo(1);
    assertThat(channel.pipeline().get(AuthHandler.class)).isNull();
    assertThat(channel.pipeline().get(ConnectionHandler.class)).isNotNull();
    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(fixture.count("herald.comet.handshakes", "result", "ok")).isEqualTo(1);

    ConnectRequest request = fixture.logic.connects.get(0);
    assertThat(request.getServerId()).isEqualTo("comet-test");
    assertThat(request.getServerEpoch()).isEqualTo(42);
    assertThat(request.getToken().toStringUtf8()).isEqualTo(AUTH_JSON);
    assertThat(request.getTransport()).isEqualTo(Transport.TRANSPORT_TCP);
    assertThat(request.getProtocolVersion()).isEqualTo(1);
    assertThat(request.getClientIp()).isNotEmpty();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void acceptedVersion2AuthGetsAJsonAuthReply() {
    EmbeddedChannel channel = fixture.tcp();

    send(channel, ProtocolVersion.V2, Op.AUTH, 9, AUTH_JSON);

    WireFrame reply = read(channel);
    assertThat(reply.version()).isEqualTo(ProtocolVersion.V2);
    assertThat(reply.op()).isEqualTo(Op.AUTH_REPLY);
    assertThat(reply.seq()).isEqualTo(9);
    assertThat(reply.text()).isEqualTo("{\"mid\":7,\"key\":\"key-1\",\"heartbeat_ms\":60000}");
    assertThat(TransportFixture.connection(channel).version()).isEqualTo(ProtocolVersion.V2);
    assertThat(fixture.logic.connects.get(0).getProtocolVersion()).isEqualTo(2);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void anotherOpBeforeAuthClosesAndIsCounted() {
    EmbeddedChannel channel = fixture.tcp();

    send(channel, ProtocolVersion.V1, Op.HEARTBEAT, 1, "");

    assertThat(channel.isOpen()).isFalse();
    assertThat(readBytes(channel)).isNull();
    assertThat(fixture.logic.connects).isEmpty();
    assertThat(fixture.count("herald.comet.handshakes", "result", "not_auth")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void noAuthWithinTheHandshakeTimeoutCloses() {
    EmbeddedChannel channel = fixture.tcp();

    channel.advanceTimeBy(TransportFixture.HANDSHAKE_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isTrue();
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runPendingTasks();

    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.handshakes", "result", "timeout")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void successCancelsTheHandshakeTimeout() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    channel.advanceTimeBy(TransportFixture.HANDSHAKE_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
    channel.runPendingTasks();

    assertThat(channel.isOpen()).isTrue();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void rejectedVersion2ClientGetsDisconnectReplyWithTheReasonThenIsClosed() {
    fixture.logic.onConnect =
        request -> CompletableFuture.completedFuture(rejection("token expired"));
    EmbeddedChannel channel = fixture.tcp();

    send(channel, ProtocolVersion.V2, Op.AUTH, 3, AUTH_JSON);

    WireFrame notice = read(channel);
    assertThat(notice.op()).isEqualTo(Op.DISCONNECT_REPLY);
    assertThat(notice.version()).isEqualTo(ProtocolVersion.V2);
    assertThat(notice.seq()).isEqualTo(3);
    assertThat(notice.text()).isEqualTo("token expired");
    assertThat(channel.isOpen()).isFalse();
    assertThat(TransportFixture.connection(channel)).isNull();
    assertThat(fixture.buckets.size()).isZero();
    assertThat(fixture.count("herald.comet.handshakes", "result", "rejected")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void rejectedVersion1ClientIsJustClosed() {
    fixture.logic.onConnect = request -> CompletableFuture.completedFuture(rejection("no"));
    EmbeddedChannel channel = fixture.tcp();

    send(channel, ProtocolVersion.V1, Op.AUTH, 1, AUTH_JSON);
    channel.runPendingTasks();

    assertThat(readBytes(channel)).isNull();
    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.handshakes", "result", "rejected")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void unreachableLogicClosesWithServiceUnavailable() {
    fixture.logic.onConnect =
        request -> CompletableFuture.failedFuture(new IllegalStateException("UNAVAILABLE"));
    EmbeddedChannel v2 = fixture.tcp();
    EmbeddedChannel v1 = fixture.tcp();

    send(v2, ProtocolVersion.V2, Op.AUTH, 1, AUTH_JSON);
    send(v1, ProtocolVersion.V1, Op.AUTH, 1, AUTH_JSON);

    WireFrame notice = read(v2);
    assertThat(notice.op()).isEqualTo(Op.DISCONNECT_REPLY);
    assertThat(notice.text()).isEqualTo("service unavailable");
    assertThat(v2.isOpen()).isFalse();
    assertThat(read(v1)).isNull();
    assertThat(v1.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.handshakes", "result", "error")).isEqualTo(2);
    assertThat(v2.finishAndReleaseAll()).isFalse();
    assertThat(v1.finishAndReleaseAll()).isFalse();
  }

  @Test
  void logicThatThrowsInsteadOfFailingIsAnErrorToo() {
    fixture.logic.onConnect =
        request -> {
          throw new IllegalStateException("channel shut down");
        };
    EmbeddedChannel channel = fixture.tcp();

    send(channel, ProtocolVersion.V1, Op.AUTH, 1, AUTH_JSON);
    channel.runPendingTasks();

    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.handshakes", "result", "error")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void framesSentWhileLogicDecidesWaitAndAreServedInOrderAfterAuthReply() {
    CompletableFuture<ConnectResponse> decision = new CompletableFuture<>();
    fixture.logic.onConnect = request -> decision;
    EmbeddedChannel channel = fixture.tcp();

    send(channel, ProtocolVersion.V1, Op.AUTH, 1, AUTH_JSON);
    assertThat(channel.config().isAutoRead()).isFalse();
    send(channel, ProtocolVersion.V1, Op.HEARTBEAT, 2, "");
    send(channel, ProtocolVersion.V1, Op.SUB, 3, "1002");
    assertThat(read(channel)).isNull();

    decision.complete(FakeLogic.accepted(7, "key-1"));

    assertThat(read(channel).op()).isEqualTo(Op.AUTH_REPLY);
    WireFrame heartbeat = read(channel);
    assertThat(heartbeat.op()).isEqualTo(Op.HEARTBEAT_REPLY);
    assertThat(heartbeat.seq()).isEqualTo(2);
    assertThat(read(channel).op()).isEqualTo(Op.SUB_REPLY);
    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void tooManyFramesWhileLogicDecidesClose() {
    CompletableFuture<ConnectResponse> decision = new CompletableFuture<>();
    fixture.logic.onConnect = request -> decision;
    EmbeddedChannel channel = fixture.tcp();

    send(channel, ProtocolVersion.V1, Op.AUTH, 1, AUTH_JSON);
    for (int i = 0; i <= AuthHandler.MAX_PENDING; i++) {
      send(channel, ProtocolVersion.V1, Op.HEARTBEAT, i, "");
    }

    assertThat(channel.isOpen()).isFalse();
    decision.complete(FakeLogic.accepted(7, "key-1"));
    channel.runPendingTasks();
    // Logic accepted a connection that is gone: its session is removed again.
    assertThat(fixture.logic.disconnects).singleElement().matches(d -> d.getKey().equals("key-1"));
    assertThat(fixture.buckets.size()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void connectionClosedWhileLogicAcceptsHasItsSessionRemoved() {
    CompletableFuture<ConnectResponse> decision = new CompletableFuture<>();
    fixture.logic.onConnect = request -> decision;
    EmbeddedChannel channel = fixture.tcp();
    send(channel, ProtocolVersion.V1, Op.AUTH, 1, AUTH_JSON);

    assertThat(channel.close().isDone()).isTrue();
    decision.complete(FakeLogic.accepted(7, "key-1"));
    channel.runPendingTasks();

    assertThat(fixture.logic.disconnects).hasSize(1);
    assertThat(fixture.buckets.size()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aNewConnectionWithTheSameKeyReplacesTheOldOne() {
    fixture.logic.onConnect =
        request -> CompletableFuture.completedFuture(FakeLogic.accepted(7, "key-1"));
    EmbeddedChannel old = fixture.authenticated(ProtocolVersion.V1);
    EmbeddedChannel replacement = fixture.authenticated(ProtocolVersion.V1);
    old.runPendingTasks();

    assertThat(old.isOpen()).isFalse();
    assertThat(fixture.buckets.get("key-1")).isSameAs(TransportFixture.connection(replacement));
    // The old connection's close must not remove the session the new one holds.
    assertThat(fixture.logic.disconnects).isEmpty();
    assertThat(old.finishAndReleaseAll()).isFalse();
    assertThat(replacement.finishAndReleaseAll()).isFalse();
  }

  private static ConnectResponse rejection(String message) {
    return ConnectResponse.newBuilder()
        .setRejection(
            Rejection.newBuilder()
                .setReason(RejectReason.REJECT_REASON_UNAUTHENTICATED)
                .setMessage(message))
        .build();
  }
}
