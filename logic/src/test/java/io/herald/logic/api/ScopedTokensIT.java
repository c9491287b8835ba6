package io.herald.logic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.herald.logic.push.ApiToken;
import io.herald.logic.push.PushConfig;
import io.herald.logic.support.TestKafka;
import io.herald.logic.support.TestSessions;
import io.herald.ops.auth.BearerToken;
import io.herald.proto.push.v1.OnlineTotalRequest;
import io.herald.proto.push.v1.PushAllRequest;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scoped push API tokens over real HTTP and gRPC, publishing to a real Kafka topic: a push-only
 * token cannot read, a read-only one cannot push (403 / PERMISSION_DENIED), a rate-limited token
 * gets 429 with Retry-After (RESOURCE_EXHAUSTED with a retry-after trailer) once its burst is spent
 * while a plain token goes on, and every refusal is counted.
 */
@RealKafka
class ScopedTokensIT {
  private static final String PLAIN = "plain-token-4c1d";
  private static final String PUSHER = "pusher-token-9e2a";
  private static final String READER = "reader-token-77b0";
  private static final String SLOW = "slow-token-3f81";

  private static PushServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start(KafkaBroker kafka) {
    PushConfig.Api api =
        new PushConfig.Api(
            true,
            List.of(PLAIN),
            4096,
            10,
            List.of(
                ApiToken.of(PUSHER, ApiToken.Scope.PUSH),
                ApiToken.parse("read:" + READER),
                // PushServer's rate clock stands still: the burst of 2 is all there is.
                new ApiToken(SLOW, List.of("push"), 1, 2)));
    server =
        new PushServer(
            TestKafka.producer(kafka.bootstrapServers(), kafka.newTopic(1)),
            TestSessions.inbox(),
            api);
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  private static AggregatedHttpResponse http(HttpMethod method, String path, String token) {
    RequestHeaders headers =
        RequestHeaders.builder(method, path)
            .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + token)
            .contentType(MediaType.OCTET_STREAM)
            .build();
    return WebClient.of("http://127.0.0.1:" + server.port())
        .execute(headers, method == HttpMethod.POST ? "hello" : "")
        .aggregate()
        .join();
  }

  private static PushGrpc.PushBlockingStub grpc(String token) {
    Metadata headers = new Metadata();
    headers.put(BearerToken.GRPC_AUTHORIZATION, "Bearer " + token);
    return PushGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static PushAllRequest pushAll() {
    return PushAllRequest.newBuilder().setOp(1000).setBody(ByteString.copyFromUtf8("hi")).build();
  }

  @Test
  void eachTokenReachesOnlyTheEndpointsOfItsScopes() {
    String push = "/goim/push/all?operation=1000&speed=0";
    assertThat(http(HttpMethod.POST, push, PLAIN).status().code()).isEqualTo(200);
    assertThat(http(HttpMethod.GET, "/goim/online/total", PLAIN).status().code()).isEqualTo(200);
    assertThat(http(HttpMethod.POST, push, PUSHER).status().code()).isEqualTo(200);
    AggregatedHttpResponse pusherReads = http(HttpMethod.GET, "/goim/online/total", PUSHER);
    assertThat(pusherReads.status().code()).isEqualTo(403);
    assertThat(pusherReads.contentUtf8()).contains("-403").contains("token lacks scope read");
    assertThat(http(HttpMethod.GET, "/goim/online/total", READER).status().code()).isEqualTo(200);
    assertThat(http(HttpMethod.POST, push, READER).status().code()).isEqualTo(403);
    assertThat(server.pushes("all", "forbidden")).isEqualTo(1);

    assertThat(grpc(PUSHER).pushAll(pushAll()).getMessageId()).isPositive();
    assertThat(grpc(READER).onlineTotal(OnlineTotalRequest.getDefaultInstance())).isNotNull();
    assertThatThrownBy(() -> grpc(READER).pushAll(pushAll()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> grpc(PUSHER).onlineTotal(OnlineTotalRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void aRateLimitedTokenIsToldWhenToRetryWhileOthersGoOn() {
    String push = "/goim/push/all?operation=1000&speed=0";
    assertThat(http(HttpMethod.POST, push, SLOW).status().code()).isEqualTo(200);
    assertThat(grpc(SLOW).pushAll(pushAll()).getMessageId()).isPositive();

    AggregatedHttpResponse limited = http(HttpMethod.POST, push, SLOW);
    assertThat(limited.status().code()).isEqualTo(429);
    assertThat(limited.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
    assertThat(limited.contentUtf8()).contains("-429").doesNotContain(SLOW);
    assertThatThrownBy(() -> grpc(SLOW).pushAll(pushAll()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getTrailers().get(BearerAuthInterceptor.RETRY_AFTER)).isEqualTo("1");
            });
    // One bucket across HTTP and gRPC: two pushes spent it, whichever way they came.
    assertThat(server.pushes("all", "rate_limited")).isEqualTo(2);
    assertThat(http(HttpMethod.POST, push, PLAIN).status().code()).isEqualTo(200);
  }
}
